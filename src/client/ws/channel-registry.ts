/**
 * Channel subscriptions over the socket. Equal channel + params are one server subscription
 * shared by every handle on it; each is re-subscribed on reconnect with its current params.
 * The server answers channel frames in order, which is how `subscribed` and refusals find theirs.
 */
import { canonicalParams, keyOf, withoutUndefined, type Frame } from './frames.ts'
import type { ChannelFrame, ChannelHandlers, ChannelStatus, ChannelSubscription, ConnectionStatus } from './realtime-types.ts'
import type { Wire } from './wire.ts'

interface ServerSub {
  channel: string
  params: unknown
  key: string
  state: ChannelStatus
  handles: Set<SubHandle>
}

interface SubHandle {
  sub: ServerSub
  handlers: ChannelHandlers
  closed: boolean
}

/** Bound on messages queued while the socket is away. */
const OUTBOX_LIMIT = 100

export class ChannelRegistry {
  private readonly subs = new Map<string, ServerSub>()
  /** Subscriptions sent and not yet answered, oldest first: the server answers channel frames in order. */
  private awaitingAck: ServerSub[] = []
  /** Channel messages waiting for the socket (bounded). */
  private outbox: string[] = []

  constructor(private readonly wire: Wire) {}

  get size(): number {
    return this.subs.size
  }

  get queued(): number {
    return this.outbox.length
  }

  /** Queued messages, handed over once to be sent on a fresh socket. */
  takeOutbox(): string[] {
    const queued = this.outbox
    this.outbox = []
    return queued
  }

  dropOutbox(): void {
    this.outbox = []
  }

  /** A socket that is not open holds every live subscription in its own state; an open one waits for `subscribed`. */
  connectionChanged(state: ConnectionStatus): void {
    const subState: ChannelStatus = state === 'idle' ? 'connecting' : (state as ChannelStatus)
    if (state !== 'open') for (const sub of this.subs.values()) if (sub.state !== 'error') this.setSubState(sub, subState)
  }

  /** The socket dropped: nothing sent on it will be answered. */
  disconnected(): void {
    this.awaitingAck = []
  }

  resubscribe(): void {
    for (const sub of this.subs.values()) this.sendSubscribe(sub)
  }

  acknowledged(frame: Frame): void {
    const key = keyOf(String(frame['channel']), withoutUndefined(frame['params']))
    const index = this.awaitingAck.findIndex((sub) => sub.key === key)
    const sub = index >= 0 ? this.awaitingAck.splice(index, 1)[0] : this.subs.get(key)
    if (sub && this.subs.get(sub.key) === sub) this.setSubState(sub, 'open')
  }

  broadcast(frame: Frame): void {
    const channel = frame['channel'] as string
    const exact = this.subs.get(keyOf(channel, withoutUndefined(frame['params'])))
    // A custom `group` may put several params in one group: then every subscription of the channel hears it.
    const targets = exact ? [exact] : [...this.subs.values()].filter((sub) => sub.channel === channel)
    for (const sub of targets) {
      for (const handle of [...sub.handles]) if (!handle.closed) handle.handlers.onMessage(frame['data'], frame as unknown as ChannelFrame)
    }
  }

  channelError(frame: Frame): void {
    const message = frame['error'] as string
    const channel = typeof frame['channel'] === 'string' ? frame['channel'] : /^Unknown channel: (.*)$/.exec(message)?.[1]
    if (channel === undefined) return
    const refusesSubscribe = !/^(Invalid message|Not subscribed|Channel .* does not accept)/.test(message)
    const index = refusesSubscribe ? this.awaitingAck.findIndex((sub) => sub.channel === channel) : -1
    if (index >= 0) {
      const [sub] = this.awaitingAck.splice(index, 1)
      if (!sub) return
      if (/^Already subscribed/.test(message)) return this.setSubState(sub, 'open')
      this.setSubState(sub, 'error')
      for (const handle of [...sub.handles]) handle.handlers.onError?.(message)
      return
    }
    for (const sub of this.subs.values()) {
      if (sub.channel === channel) for (const handle of [...sub.handles]) handle.handlers.onError?.(message)
    }
  }

  private setSubState(sub: ServerSub, state: ChannelStatus): void {
    if (sub.state === state) return
    sub.state = state
    for (const handle of [...sub.handles]) handle.handlers.onStatus?.(state)
  }

  private sendSubscribe(sub: ServerSub): void {
    if (this.wire.send({ action: 'subscribe', channel: sub.channel, params: sub.params })) {
      this.awaitingAck.push(sub)
      if (sub.state !== 'connecting') this.setSubState(sub, 'connecting')
    }
  }

  private join(channel: string, params: unknown, handle: SubHandle): void {
    const clean = withoutUndefined(params)
    const key = keyOf(channel, clean)
    let sub = this.subs.get(key)
    if (!sub) {
      sub = { channel, params: clean, key, state: this.wire.status === 'reconnecting' ? 'reconnecting' : 'connecting', handles: new Set() }
      this.subs.set(key, sub)
      if (this.wire.status === 'open') this.sendSubscribe(sub)
      else this.wire.ensureOpen()
    }
    sub.handles.add(handle)
    handle.sub = sub
  }

  private leave(handle: SubHandle): void {
    const sub = handle.sub
    sub.handles.delete(handle)
    if (sub.handles.size || this.subs.get(sub.key) !== sub) return
    this.subs.delete(sub.key)
    this.awaitingAck = this.awaitingAck.filter((s) => s !== sub)
    if (sub.state !== 'error') this.wire.send({ action: 'unsubscribe', channel: sub.channel, params: sub.params })
  }

  channel(channel: string, params: unknown, handlers: ChannelHandlers): ChannelSubscription {
    const handle = { handlers, closed: false } as SubHandle
    this.join(channel, params, handle)
    const registry = this
    return {
      get status() {
        return handle.closed ? 'closed' : handle.sub.state
      },
      send(message: unknown) {
        if (handle.closed) return
        const text = JSON.stringify({ action: 'message', channel, params: handle.sub.params, data: message })
        if (registry.wire.status === 'open' && registry.wire.sendText(text)) return
        if (registry.outbox.length < OUTBOX_LIMIT) {
          registry.outbox.push(text)
          registry.wire.ensureOpen()
        } else handlers.onError?.('Not connected: message dropped (outbox full)')
      },
      update(next: unknown) {
        if (handle.closed || canonicalParams(withoutUndefined(next)) === canonicalParams(handle.sub.params)) return
        registry.leave(handle)
        registry.join(channel, next, handle)
        handlers.onStatus?.(handle.sub.state)
      },
      close() {
        if (handle.closed) return
        handle.closed = true
        registry.leave(handle)
      },
    }
  }
}
