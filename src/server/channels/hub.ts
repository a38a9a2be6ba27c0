import { MizanError } from '../../shared/errors.ts'
import type { InvalidateEntry, MergeEntry } from '../../shared/protocol.ts'
import type { InvalidationEvent } from '../dispatch.ts'
import type { AnyServerRouter } from '../router.ts'
import { validateWith } from '../schema.ts'
import { MemoryBus, type BusListener, type ChannelBus } from './bus.ts'
import type { AnyChannelDefinition, PublishMessage, PublishParams } from './define-channel.ts'

export interface ChannelHubOptions {
  /** Where messages travel between processes: `MemoryBus` (default, one process) or `RedisBus`. */
  bus?: ChannelBus
  /** Prefix of every bus topic (default `mizan:ws:`): processes that must hear each other share it. */
  prefix?: string
  /** Lets `publish` take channel wire names as well as definitions. */
  router?: AnyServerRouter
  onError?: (error: unknown, where: string) => void
}

/** A socket that watches contexts, as the hub sees it; it decides which entries concern it. */
export interface LiveListener {
  /** `origin`: the client id that made the change, if it said. */
  invalidate(entries: readonly InvalidateEntry[], origin?: string): void
}

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
 */
export class ChannelHub {
  readonly bus: ChannelBus
  private readonly prefix: string
  private readonly channels = new Map<string, AnyChannelDefinition>()
  private readonly watchers = new Map<string, Set<LiveListener>>()
  private watching = 0
  private readonly onError: (error: unknown, where: string) => void
  private readonly onInvalidation: BusListener = (payload) => this.deliverInvalidation(payload)

  constructor(options: ChannelHubOptions = {}) {
    this.bus = options.bus ?? new MemoryBus()
    this.prefix = options.prefix ?? 'mizan:ws:'
    this.onError = options.onError ?? ((error, where) => console.error(`[mizan] ${where}:`, error))
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

  /** A frame already validated and serialized, to every socket of a group. */
  async publishFrame(group: string, frame: string): Promise<void> {
    await this.bus.publish(this.groupTopic(group), frame)
  }

  join(group: string, listener: BusListener): Promise<void> {
    return this.bus.subscribe(this.groupTopic(group), listener)
  }

  leave(group: string, listener: BusListener): Promise<void> {
    return this.bus.unsubscribe(this.groupTopic(group), listener)
  }

  /**
   * Pass as `onInvalidate` to the HTTP handlers (the WebSocket adapter wires its own): every
   * process's watchers of the affected contexts get an invalidation frame.
   */
  readonly invalidated = async (event: Pick<InvalidationEvent, 'invalidate' | 'merge' | 'origin'>): Promise<void> => {
    const entries = liveEntries(event)
    if (entries.length) await this.bus.publish(this.invalidationTopic, JSON.stringify({ invalidate: entries, origin: event.origin }))
  }

  async watch(context: string, listener: LiveListener): Promise<void> {
    let set = this.watchers.get(context)
    if (!set) this.watchers.set(context, (set = new Set()))
    if (set.has(listener)) return
    set.add(listener)
    if (this.watching++ === 0) await this.bus.subscribe(this.invalidationTopic, this.onInvalidation)
  }

  async unwatch(context: string, listener: LiveListener): Promise<void> {
    const set = this.watchers.get(context)
    if (!set?.delete(listener)) return
    if (!set.size) this.watchers.delete(context)
    if (--this.watching === 0) await this.bus.unsubscribe(this.invalidationTopic, this.onInvalidation)
  }

  private deliverInvalidation(payload: string): void {
    let entries: InvalidateEntry[]
    let origin: string | undefined
    try {
      ;({ invalidate: entries, origin } = JSON.parse(payload) as { invalidate: InvalidateEntry[]; origin?: string })
    } catch (error) {
      this.onError(error, 'invalid live-invalidation payload on the bus')
      return
    }
    const listeners = new Set<LiveListener>()
    for (const entry of entries) {
      const context = typeof entry === 'string' ? entry : 'context' in entry ? entry.context : undefined
      for (const listener of (context && this.watchers.get(context)) || []) listeners.add(listener)
    }
    for (const listener of listeners) {
      try {
        listener.invalidate(entries, origin)
      } catch (error) {
        this.onError(error, 'live invalidation')
      }
    }
  }

  /** Stop listening on the bus (the bus itself belongs to whoever made it). */
  async close(): Promise<void> {
    if (this.watching > 0) await this.bus.unsubscribe(this.invalidationTopic, this.onInvalidation)
    this.watchers.clear()
    this.watching = 0
  }
}

/** The reference's broadcast frame: `{"channel","params","type","data"}`. */
export function broadcastFrame(channel: string, params: unknown, type: string, data: unknown): string {
  return JSON.stringify({ channel, params: params ?? {}, type, data })
}

export function createChannelHub(options: ChannelHubOptions = {}): ChannelHub {
  return new ChannelHub(options)
}

