import { MizanError } from '../../shared/errors.ts'
import type { InvalidateEntry, MergeEntry } from '../../shared/protocol.ts'
import type { InvalidationEvent } from '../dispatch.ts'
import type { ErrorReporter } from '../execute.ts'
import type { AnyServerRouter } from '../router.ts'
import { validateWith } from '../schema.ts'
import { MemoryBus, TopicTable, type BusListener, type ChannelBus } from './bus.ts'
import { ChannelReplay, type ChannelReplayOptions } from './channel-replay.ts'
import { LiveRegistry, userKey, type LiveHistory, type LiveListener, type LiveMessage } from './live-registry.ts'
import type { AnyChannelDefinition, PublishMessage, PublishParams } from './define-channel.ts'

export interface ChannelHubOptions {
  /** Where messages travel between processes: `MemoryBus` (default, one process) or `RedisBus`. */
  bus?: ChannelBus
  /** Prefix of every bus topic (default `mizan:ws:`): processes that must hear each other share it. */
  prefix?: string
  /** Lets `publish` take channel wire names as well as definitions. */
  router?: AnyServerRouter
  /** The same reporter as the dispatcher's, the WebSocket adapter's and the caller's: `(error, { fn })`, `fn` naming what failed. */
  onError?: ErrorReporter
  /** Bus outages and recoveries, one line each (default `console.warn`). */
  log?: (message: string) => void
  /** Bounds of the channel messages kept while the bus is down, to publish when it is back. */
  replay?: ChannelReplayOptions
}

export type { LiveListener, LiveMessage }

/** JSON with sorted keys, so equal params name the same group and subscription. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** `room: Field required; text: Expected string`, for the reference's `Invalid params: …` frames. */
export function describeFields(fields: Record<string, string[]>): string {
  return Object.entries(fields)
    .map(([path, messages]) => `${path}: ${messages.join('; ')}`)
    .join(', ')
}

export type Parsed = { ok: true; value: unknown } | { ok: false; text: string }

/** Validate with an optional schema: none means "anything", and missing params are `{}`. */
export async function parseWith(schema: { '~standard': unknown } | undefined, value: unknown): Promise<Parsed> {
  if (!schema) return { ok: true, value }
  const outcome = await validateWith(schema as never, value)
  return outcome.ok ? { ok: true, value: outcome.value } : { ok: false, text: describeFields(outcome.fields) }
}

/** Invalidations as live frames carry them: merges become refetches, since a merged value is the mutating user's. */
export function liveEntries(event: Pick<InvalidationEvent, 'invalidate' | 'merge'>): InvalidateEntry[] {
  const out: InvalidateEntry[] = []
  const seen = new Set<string>()
  const push = (entry: InvalidateEntry) => {
    const key = canonicalJson(entry)
    if (!seen.has(key)) {
      seen.add(key)
      out.push(entry)
    }
  }
  for (const entry of event.invalidate) if (typeof entry === 'string' || 'context' in entry) push(entry)
  for (const merge of event.merge as MergeEntry[]) {
    push(merge.params && Object.keys(merge.params).length ? { context: merge.context, params: merge.params } : merge.context)
  }
  return out
}

/**
 * The group registry of one process, over a bus shared with the others. `publish` is callable
 * from any server function, or from a process that serves no sockets at all (with the same
 * bus and prefix); `invalidated` is the `onInvalidate` of HTTP handlers, for live invalidation.
 *
 * Sockets of this process hear its messages and invalidations straight from the hub, so they
 * never depend on the bus; the bus carries them to the other processes. When the bus reports
 * an outage (or a publish fails), the hub says so once, and when it is back every watcher of
 * this process is resynced, and the others are asked to resync theirs if a publish was lost.
 */
export class ChannelHub {
  readonly bus: ChannelBus
  /** Tells this process's own messages apart on the bus: they were delivered here already. */
  // Web Crypto's, so the server entry loads on Workers too (no node:crypto).
  readonly id = globalThis.crypto.randomUUID()
  private readonly prefix: string
  private readonly channels = new Map<string, AnyChannelDefinition>()
  /** group topic → this process's listeners. */
  private readonly groups = new TopicTable()
  private readonly live: LiveRegistry
  /** Channel messages the bus could not take, published again when it is back. */
  private readonly replay: ChannelReplay
  private readonly onError: (error: unknown, where: string) => void
  private readonly log: (message: string) => void
  private readonly stopHealth: (() => void) | undefined
  private busDown = false
  private readonly soleProcess: boolean
  /** Publishes that failed since the last recovery: the other processes may have missed them. */
  private missed = 0
  private readonly onInvalidation: BusListener = (payload) => this.fromBus(payload)
  private readonly onGroupMessage = new Map<string, BusListener>()

  constructor(options: ChannelHubOptions = {}) {
    this.bus = options.bus ?? new MemoryBus()
    this.prefix = options.prefix ?? 'mizan:ws:'
    const report = options.onError
    this.onError = report ? (error, where) => report(error, { fn: where }) : (error, where) => console.error(`[mizan] ${where}:`, error)
    this.log = options.log ?? ((message) => console.warn(`[mizan] ${message}`))
    this.live = new LiveRegistry(this.id, (error, where) => this.onError(error, where))
    // Its own bus: no other process, and the hub logs its own messages whoever watches.
    this.soleProcess = !options.bus
    if (this.soleProcess) this.live.soleSince()
    this.replay = new ChannelReplay(this.bus, this.id, (error) => this.busLost(error, 'channel messages'), options.replay)
    this.stopHealth = this.bus.onHealth?.((healthy) => {
      if (healthy) return void this.busRecovered()
      this.replay.lost()
      this.busLost()
    })
    if (options.router) this.register(options.router)
  }

  /** Learn a router's channels, so `publish` accepts their wire names. */
  register(router: AnyServerRouter): void {
    for (const reg of router.channels.values()) this.channels.set(reg.name, reg.def)
  }

  groupTopic(group: string): string {
    return `${this.prefix}group:${group}`
  }

  private get invalidationTopic(): string {
    return `${this.prefix}invalidate`
  }

  /** The group a subscription with these (parsed) params belongs to. */
  groupOf(def: AnyChannelDefinition, name: string, params: unknown): string {
    return def.options.group ? def.options.group(params) : `${name}:${canonicalJson(params ?? {})}`
  }

  /**
   * Send `message` to every subscriber of the channel's group for `params`, in every process.
   * Params and message are validated as a client's would be: a bad one is a VALIDATION_ERROR.
   */
  async publish<C extends AnyChannelDefinition>(channel: C, params: PublishParams<C>, message: PublishMessage<C>): Promise<void>
  async publish(channel: string, params: unknown, message: unknown): Promise<void>
  async publish(channel: AnyChannelDefinition | string, params: unknown, message: unknown): Promise<void> {
    const def = typeof channel === 'string' ? this.channels.get(channel) : channel
    const name = typeof channel === 'string' ? channel : channel.name
    if (!def || !name) {
      throw new MizanError('NOT_FOUND', typeof channel === 'string' ? `Unknown channel: ${channel}` : 'This channel is in no router yet: register it with createRouter or give it a `name`')
    }
    const parsedParams = await parseWith(def.options.params, params ?? {})
    if (!parsedParams.ok) throw new MizanError('VALIDATION_ERROR', `Invalid params: ${parsedParams.text}`)
    const parsedMessage = await parseWith(def.options.message, message)
    if (!parsedMessage.ok) throw new MizanError('VALIDATION_ERROR', `Invalid message: ${parsedMessage.text}`)
    await this.publishFrame(this.groupOf(def, name, parsedParams.value), broadcastFrame(name, parsedParams.value, def.options.type, parsedMessage.value))
  }

  /**
   * A frame already validated and serialized, to every socket of a group: this process's at
   * once, the others' over the bus (during an outage it waits, bounded, and is published when
   * the bus is back: see ChannelReplay).
   */
  async publishFrame(group: string, frame: string): Promise<void> {
    const topic = this.groupTopic(group)
    queueMicrotask(() => this.groups.deliver(topic, frame, (error) => this.onError(error, 'channel listener')))
    await this.replay.send(topic, frame)
  }

  join(group: string, listener: BusListener): Promise<void> {
    const topic = this.groupTopic(group)
    if (!this.groups.add(topic, listener)) return this.onGroupMessage.has(topic) ? this.bus.subscribe(topic, this.onGroupMessage.get(topic)!) : Promise.resolve()
    const fromBus: BusListener = (payload) => {
      const cut = payload.indexOf('\n')
      // A bare frame is from a process that does not mark its messages.
      const marked = cut >= 0 && !payload.startsWith('{')
      if (marked) {
        const header = payload.slice(0, cut)
        // Ours were delivered already; a replayed one may have arrived before.
        if (header === this.id || header.startsWith(`${this.id}:`) || !this.replay.accept(header)) return
      }
      this.groups.deliver(topic, marked ? payload.slice(cut + 1) : payload, (error) => this.onError(error, 'channel listener'))
    }
    this.onGroupMessage.set(topic, fromBus)
    return this.bus.subscribe(topic, fromBus)
  }

  async leave(group: string, listener: BusListener): Promise<void> {
    const topic = this.groupTopic(group)
    if (!this.groups.remove(topic, listener)) return
    const fromBus = this.onGroupMessage.get(topic)
    this.onGroupMessage.delete(topic)
    if (fromBus) await this.bus.unsubscribe(topic, fromBus)
  }

  /**
   * Pass as `onInvalidate` to the HTTP handlers (the WebSocket adapter wires its own): every
   * process's watchers of the affected contexts get an invalidation frame.
   */
  readonly invalidated = async (event: Pick<InvalidationEvent, 'invalidate' | 'merge' | 'origin'> & { user?: InvalidationEvent['user'] }): Promise<void> => {
    const entries = liveEntries(event)
    if (!entries.length) return
    const message: LiveMessage = { invalidate: entries, origin: event.origin, user: userKey(event.user) }
    // After this turn: the caller's own reply leaves before the invalidations it causes.
    setImmediate(() => this.live.deliver(message))
    await this.toBus(this.invalidationTopic, JSON.stringify({ ...message, from: this.id }), 'live invalidations')
  }

  async watch(context: string, listener: LiveListener): Promise<void> {
    if (!this.live.add(context, listener)) return
    await this.bus.subscribe(this.invalidationTopic, this.onInvalidation)
    // From here on the log holds every process's invalidations (an outage shows in it as a resync).
    this.live.hearing(true)
  }

  /** Where this process's live log is now: a watcher registered before it hears everything after it. */
  get livePosition(): string {
    return this.live.position
  }

  /** The live messages after `position`, or `undefined` when this process cannot tell (see LiveRegistry). */
  liveSince(position: unknown): LiveHistory {
    return this.live.since(position)
  }

  /** The live messages of the last `age` ms (and some slack), or `undefined` when this process cannot tell. */
  liveWithin(age: unknown): LiveHistory {
    return this.live.within(age)
  }

  async unwatch(context: string, listener: LiveListener): Promise<void> {
    if (!this.live.remove(context, listener)) return
    if (!this.soleProcess) this.live.hearing(false)
    await this.bus.unsubscribe(this.invalidationTopic, this.onInvalidation)
  }

  private fromBus(payload: string): void {
    let message: LiveMessage & { from?: string; resync?: boolean }
    try {
      message = JSON.parse(payload) as typeof message
    } catch (error) {
      this.onError(error, 'invalid live-invalidation payload on the bus')
      return
    }
    if (message.from === this.id) return
    if (message.resync) return void this.live.resyncAll()
    if (Array.isArray(message.invalidate)) this.live.deliver(message)
  }

  /** To the other processes; a failure is an outage (said once), made up for by a resync when the bus is back. */
  private async toBus(topic: string, payload: string, what: string): Promise<void> {
    try {
      await this.bus.publish(topic, payload)
    } catch (error) {
      // Counted, not logged each time: the outage is said once, and its toll when it ends.
      this.missed++
      if (!this.busDown) this.busLost(error, what)
    }
  }

  private busLost(error?: unknown, what?: string): void {
    if (this.busDown) return
    this.busDown = true
    const why = error instanceof Error ? ` (publishing ${what}: ${error.message})` : ''
    this.log(`channel bus down${why}. Sockets of this process still get its own updates; its channel messages for the other processes wait (bounded) and its invalidations reach them as a resync once the bus is back`)
  }

  /** Everything this process may have missed is made up by a resync of its watchers; what it failed to send, by theirs. */
  private async busRecovered(): Promise<void> {
    const wasDown = this.busDown
    this.busDown = false
    const watchers = this.live.resyncAll()
    const missed = this.missed
    if (missed) {
      this.missed = 0
      await this.toBus(this.invalidationTopic, JSON.stringify({ resync: true, from: this.id }), 'a resync request')
    }
    if (wasDown || missed) {
      this.log(`channel bus back: ${watchers} watching socket(s) of this process resynced; ${missed} publish(es) did not reach the other processes${missed ? ', which are asked to resync' : ''}`)
    }
    // Published once the other processes listen again (a bounded wait): said apart, when done.
    const { replayed, dropped, gaveUpWaiting } = await this.replay.recovered()
    if (replayed || dropped) {
      const waitNote = gaveUpWaiting ? ' (the wait for every subscriber to be back ran out)' : ''
      this.log(`channel messages replayed after the outage: ${replayed}${waitNote}; dropped (replay buffer full): ${dropped}`)
    }
  }

  /** Stop listening on the bus (the bus itself belongs to whoever made it). */
  async close(): Promise<void> {
    this.stopHealth?.()
    this.replay.close()
    if (this.live.clear()) await this.bus.unsubscribe(this.invalidationTopic, this.onInvalidation)
    for (const [topic, fromBus] of this.onGroupMessage) await this.bus.unsubscribe(topic, fromBus)
    this.onGroupMessage.clear()
    this.groups.clear()
  }
}

/** The reference's broadcast frame: `{"channel","params","type","data"}`. */
export function broadcastFrame(channel: string, params: unknown, type: string, data: unknown): string {
  return JSON.stringify({ channel, params: params ?? {}, type, data })
}

export function createChannelHub(options: ChannelHubOptions = {}): ChannelHub {
  return new ChannelHub(options)
}

