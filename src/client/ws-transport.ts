/**
 * The WebSocket transport of the kernel: one lazily opened socket per client, multiplexing RPC,
 * context reads, channel subscriptions and (opt-in) live-invalidation watches, with the frames
 * of docs/PROTOCOL.md §9. It reconnects with backoff and jitter, re-subscribes every live
 * subscription with its current params, re-sends unanswered reads, and fails unanswered calls
 * with a clear error (a call may have run: it is never sent twice).
 */
import { MizanError, statusForCode } from '../shared/errors.ts'
import { ROUTES, type InvalidateEntry, type WsChannelFrame, type WsInvalidateFrame, type WsRequestFrame } from '../shared/protocol.ts'
import type {
  AnyRouter,
  CallArgs,
  ChannelClientMessageOf,
  ChannelKeys,
  ChannelMessageOf,
  ChannelParamsOf,
} from '../shared/types.ts'
import type { CookieStore } from './cookies.ts'
import { abortedError } from './errors.ts'
import type { HeadersOption } from './options.ts'
import { backoffDelay } from './retry.ts'
import { mergeHeaders } from './transport.ts'
import type { MizanClient, UntypedMizanClient } from './types.ts'

/** The part of the WebSocket API the transport uses: the browser's `WebSocket` and `ws` both fit. */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

/** A WebSocket class. Node's `ws` takes handshake headers as its third argument; browsers ignore it. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => WebSocketLike

export interface WebSocketClientOptions {
  /** Socket URL; default `ws(s)://<host of baseUrl or of the page>/ws/`, where the reference mounts it. */
  url?: string
  /** Default `globalThis.WebSocket`; in Node < 22 pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor
  /** Sent as `?token=` (browsers cannot set handshake headers); a function is asked before every (re)connect. */
  token?: string | null | (() => string | null | undefined | Promise<string | null | undefined>)
  /** Handshake headers, where the WebSocket class accepts them (Node's `ws`); the client's `headers` and cookies are added. */
  headers?: HeadersOption
  /** Reconnect with exponential backoff and jitter (default on: 250 ms doubling to 10 s). `false` stays closed. */
  reconnect?: false | { baseDelayMs?: number; maxDelayMs?: number }
  /** How long a request waits for a socket before it fails with NETWORK_ERROR (default 10 s). */
  connectTimeoutMs?: number
}

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

/** A subscription as its owner sees it: `'error'` when the server refused it (the error says why). */
export type ChannelStatus = 'connecting' | 'open' | 'reconnecting' | 'error' | 'closed'

/** A channel broadcast frame: `{"channel","params","type","data"}`. */
export type ChannelFrame<TMessage = unknown> = WsChannelFrame<TMessage>

export interface ChannelHandlers<TMessage = unknown> {
  onMessage(message: TMessage, frame: ChannelFrame<TMessage>): void
  onStatus?(status: ChannelStatus): void
  /** The server refused the subscription, or a message sent on it (`Not authorized`, `Invalid message: …`). */
  onError?(error: string): void
}

export interface ChannelSubscription<TSend = unknown> {
  readonly status: ChannelStatus
  /** Broadcast to the channel's group (through the channel's `onMessage` on the server). Queued while reconnecting. */
  send(message: TSend): void
  /** Move to other params: unsubscribes the old ones; a reconnect re-subscribes these. */
  update(params: unknown): void
  close(): void
}

/** Channel and live-invalidation methods the kernel gains, typed from the router. */
export interface MizanRealtime<R extends AnyRouter> {
  /** Subscribe to a channel: `client.channel('chat', { room }, { onMessage })`. */
  channel<K extends ChannelKeys<R>>(
    key: K,
    params: ChannelParamsOf<R, K> | undefined,
    handlers: ChannelHandlers<ChannelMessageOf<R, K>>,
  ): ChannelSubscription<ChannelClientMessageOf<R, K>>
  /** Ask the server to tell this client when context `name` with `params` is invalidated (opt-in on the server). */
  watch(context: string, params?: Record<string, unknown>): () => void
  /** Invalidation frames pushed by the server for watched contexts. */
  onInvalidate(listener: (entries: InvalidateEntry[]) => void): () => void
  /** The shared socket: its status, and `close()` to shut it for good. */
  readonly connection: WsConnectionHandle
}

export interface WsConnectionHandle {
  readonly status: ConnectionStatus
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  close(): void
}

/** The same methods without router types, for the React layer. */
export interface UntypedRealtime {
  channel(key: string, params: unknown, handlers: ChannelHandlers): ChannelSubscription
  watch(context: string, params?: Record<string, unknown>): () => void
  onInvalidate(listener: (entries: InvalidateEntry[]) => void): () => void
  readonly connection: WsConnectionHandle
}

/** `[params?]` when a channel takes none or all are optional. */
export type ChannelParamsArgs<TParams> = CallArgs<TParams>

interface Pending {
  frame: Record<string, unknown>
  kind: 'read' | 'call'
  label: string
  resolve(frame: Record<string, unknown>): void
  reject(error: MizanError): void
  sent: boolean
  timer: ReturnType<typeof setTimeout> | undefined
}

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

/** JSON with sorted keys and no `undefined`: equal params are one subscription. */
export function canonicalParams(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    return `{${Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalParams(record[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

function withoutUndefined(params: unknown): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return {}
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined))
}

const OPEN = 1

/** The error a `{"ok": false, "error": {…}}` reply stands for. */
export function errorFromFrame(error: unknown): MizanError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown; details?: unknown }
  const code = typeof e.code === 'string' && e.code ? e.code : 'INVALID_RESPONSE'
  const details = typeof e.details === 'object' && e.details !== null && !Array.isArray(e.details) ? (e.details as Record<string, unknown>) : undefined
  const status = statusForCode(code)
  return new MizanError(code as 'BAD_REQUEST', typeof e.message === 'string' ? e.message : '', details ? { status, details } : { status })
}

export interface WsConnectionOptions extends WebSocketClientOptions {
  /** The client's `baseUrl`, to derive the socket URL from. */
  baseUrl: string
  /** The client's own headers and cookie jar, for the handshake where headers can be set. */
  clientHeaders?: HeadersOption
  cookies?: CookieStore
}

function defaultUrl(baseUrl: string): string {
  const location = (globalThis as { location?: { href: string } }).location
  let base: URL
  try {
    base = new URL(baseUrl, location?.href)
  } catch {
    throw new MizanError('NETWORK_ERROR', `Mizan: cannot derive a WebSocket URL from baseUrl '${baseUrl}'; set websocket.url`, { status: 0 })
  }
  return `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${ROUTES.websocket}`
}

/**
 * One socket, opened on first use. Requests carry string ids (`"1"`, `"2"`…) unique per
 * connection object, so a reply can never be taken for another request's.
 */
export class WsConnection implements UntypedRealtime {
  private socket: WebSocketLike | undefined
  private state: ConnectionStatus = 'idle'
  private attempt = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private nextId = 1
  private readonly pending = new Map<string, Pending>()
  private readonly subs = new Map<string, ServerSub>()
  /** Subscriptions sent and not yet answered, oldest first: the server answers channel frames in order. */
  private awaitingAck: ServerSub[] = []
  private readonly watches = new Map<string, { context: string; params: Record<string, unknown>; count: number }>()
  /** Channel messages waiting for the socket (bounded). */
  private outbox: string[] = []
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>()
  private readonly invalidateListeners = new Set<(entries: InvalidateEntry[]) => void>()
  private shut = false
  private opening: Promise<void> | undefined

  /** The shared socket: its status, and `close()` to shut it for good. */
  readonly connection: WsConnectionHandle

  constructor(private readonly options: WsConnectionOptions) {
    const connection = this
    this.connection = {
      get status() {
        return connection.state
      },
      onStatus: (listener) => {
        this.statusListeners.add(listener)
        return () => this.statusListeners.delete(listener)
      },
      close: () => this.close(),
    }
  }

  get status(): ConnectionStatus {
    return this.state
  }

  private setState(state: ConnectionStatus): void {
    if (this.state === state) return
    this.state = state
    for (const listener of [...this.statusListeners]) listener(state)
    const subState: ChannelStatus = state === 'idle' ? 'connecting' : (state as ChannelStatus)
    // An open socket says nothing yet about a subscription: its `subscribed` answer does.
    if (state !== 'open') for (const sub of this.subs.values()) if (sub.state !== 'error') this.setSubState(sub, subState)
  }

  // ── connecting ────────────────────────────────────────────────────────────
  private hasWork(): boolean {
    return this.pending.size > 0 || this.subs.size > 0 || this.watches.size > 0 || this.outbox.length > 0
  }

  /** Open on demand: first use, after going idle, or after a failure that left it closed. */
  private ensureOpen(): void {
    if (this.shut) return
    if (this.state === 'idle' || this.state === 'closed') void this.connect()
  }

  private async url(): Promise<string> {
    const url = new URL(this.options.url ?? defaultUrl(this.options.baseUrl))
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token
    if (token) url.searchParams.set('token', token)
    return url.toString()
  }

  private async handshakeHeaders(): Promise<Record<string, string> | undefined> {
    const headers = await mergeHeaders(this.options.clientHeaders, await resolveHeaders(this.options.headers))
    const cookie = this.options.cookies?.header()
    if (cookie) headers.set('cookie', headers.has('cookie') ? `${headers.get('cookie')}; ${cookie}` : cookie)
    const out: Record<string, string> = {}
    headers.forEach((value, name) => {
      out[name] = value
    })
    return Object.keys(out).length ? out : undefined
  }

  private connect(): Promise<void> {
    if (this.opening) return this.opening
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting')
    this.opening = (async () => {
      let socket: WebSocketLike
      try {
        const Ctor = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
        if (!Ctor) throw new Error('no WebSocket implementation: pass websocket.WebSocket (e.g. from the `ws` package)')
        const url = await this.url()
        const headers = await this.handshakeHeaders()
        if (this.shut) return
        socket = headers ? new Ctor(url, undefined, { headers }) : new Ctor(url)
      } catch (error) {
        this.failAll(new MizanError('NETWORK_ERROR', `WebSocket connection failed: ${error instanceof Error ? error.message : String(error)}`, { status: 0, cause: error }))
        this.setState('closed')
        return
      }
      this.socket = socket
      socket.onopen = () => {
        if (this.socket !== socket) return
        this.attempt = 0
        this.setState('open')
        this.flush()
      }
      socket.onmessage = (event) => {
        if (this.socket === socket) this.receive(String(event.data))
      }
      socket.onerror = () => {}
      socket.onclose = () => {
        if (this.socket === socket) this.disconnected()
      }
    })().finally(() => {
      this.opening = undefined
    })
    return this.opening
  }

  private disconnected(): void {
    this.socket = undefined
    this.awaitingAck = []
    for (const [id, pending] of this.pending) {
      if (!pending.sent) continue
      if (pending.kind === 'read') {
        // Reads are safe to send again once the socket is back.
        pending.sent = false
        this.armConnectTimer(pending, id)
      } else {
        this.settle(id)
        pending.reject(
          new MizanError('NETWORK_ERROR', `The WebSocket closed before ${pending.label} was answered; it may have run on the server, so it was not retried`, {
            status: 0,
          }),
        )
      }
    }
    if (this.shut) return this.setState('closed')
    const reconnect = this.options.reconnect
    if (reconnect === false) {
      this.failAll(new MizanError('NETWORK_ERROR', 'The WebSocket closed', { status: 0 }))
      return this.setState('closed')
    }
    if (!this.hasWork()) return this.setState('idle')
    const base = reconnect?.baseDelayMs ?? 250
    const max = reconnect?.maxDelayMs ?? 10_000
    const delay = Math.min(max, backoffDelay(this.attempt, base))
    this.attempt++
    this.setState('reconnecting')
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      if (!this.shut) void this.connect()
    }, delay)
  }

  /** On (re)open: subscriptions and watches first, with their current params, then requests and messages. */
  private flush(): void {
    for (const sub of this.subs.values()) this.sendSubscribe(sub)
    for (const watch of this.watches.values()) this.sendRaw({ action: 'watch', context: watch.context, params: watch.params })
    for (const [id, pending] of this.pending) if (!pending.sent) this.transmit(id, pending)
    const queued = this.outbox
    this.outbox = []
    for (const text of queued) this.socket?.send(text)
  }

  private sendRaw(frame: WsRequestFrame | Record<string, unknown>): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false
    this.socket.send(JSON.stringify(frame))
    return true
  }

  private failAll(error: MizanError): void {
    for (const [id, pending] of this.pending) {
      this.settle(id)
      pending.reject(error)
    }
    this.outbox = []
  }

  // ── requests ──────────────────────────────────────────────────────────────
  private settle(id: string): void {
    const pending = this.pending.get(id)
    if (pending?.timer) clearTimeout(pending.timer)
    this.pending.delete(id)
  }

  private armConnectTimer(pending: Pending, id: string): void {
    if (pending.timer) clearTimeout(pending.timer)
    const ms = this.options.connectTimeoutMs ?? 10_000
    pending.timer = setTimeout(() => {
      if (!this.pending.has(id) || pending.sent) return
      this.settle(id)
      pending.reject(new MizanError('NETWORK_ERROR', `No WebSocket connection within ${ms} ms for ${pending.label}`, { status: 0 }))
    }, ms)
  }

  private transmit(id: string, pending: Pending): void {
    if (this.sendRaw({ ...pending.frame, id })) {
      pending.sent = true
      if (pending.timer) clearTimeout(pending.timer)
      pending.timer = undefined
    }
  }

  /**
   * Send `{action, id, …}` and resolve with the `ok` reply. `read`s survive a reconnect (they
   * are sent again); `call`s that were on the wire fail instead.
   */
  request(frame: Record<string, unknown>, kind: 'read' | 'call', label: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    if (this.shut) return Promise.reject(new MizanError('NETWORK_ERROR', 'The WebSocket connection was closed', { status: 0 }))
    if (signal?.aborted) return Promise.reject(abortedError(signal.reason))
    const id = String(this.nextId++)
    return new Promise((resolve, reject) => {
      const pending: Pending = { frame, kind, label, resolve, reject, sent: false, timer: undefined }
      this.pending.set(id, pending)
      if (signal) {
        const onAbort = () => {
          if (!this.pending.has(id)) return
          this.settle(id)
          reject(abortedError(signal.reason))
        }
        signal.addEventListener('abort', onAbort, { once: true })
        const done = () => signal.removeEventListener('abort', onAbort)
        pending.resolve = (value) => (done(), resolve(value))
        pending.reject = (error) => (done(), reject(error))
      }
      if (this.state === 'open') this.transmit(id, pending)
      if (!pending.sent) {
        this.armConnectTimer(pending, id)
        this.ensureOpen()
      }
    })
  }

  // ── incoming ──────────────────────────────────────────────────────────────
  private receive(text: string): void {
    let frame: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return
      frame = parsed as Record<string, unknown>
    } catch {
      return
    }
    if ('ok' in frame && 'id' in frame) {
      const id = String(frame['id'])
      const pending = this.pending.get(id)
      if (!pending) return
      this.settle(id)
      if (frame['ok'] === true) pending.resolve(frame)
      else pending.reject(errorFromFrame(frame['error']))
      return
    }
    if (frame['type'] === 'invalidate' && Array.isArray(frame['invalidate'])) {
      const entries = (frame as unknown as WsInvalidateFrame).invalidate
      for (const listener of [...this.invalidateListeners]) listener(entries)
      return
    }
    if (frame['subscribed'] === true) return this.acknowledged(frame)
    if (typeof frame['channel'] === 'string' && 'data' in frame && 'type' in frame && !('error' in frame)) return this.broadcast(frame)
    if (typeof frame['error'] === 'string') return this.channelError(frame)
  }

  private acknowledged(frame: Record<string, unknown>): void {
    const key = `${String(frame['channel'])}\u0000${canonicalParams(withoutUndefined(frame['params']))}`
    const index = this.awaitingAck.findIndex((sub) => sub.key === key)
    const sub = index >= 0 ? this.awaitingAck.splice(index, 1)[0] : this.subs.get(key)
    if (sub && this.subs.get(sub.key) === sub) this.setSubState(sub, 'open')
  }

  private broadcast(frame: Record<string, unknown>): void {
    const channel = frame['channel'] as string
    const exact = this.subs.get(`${channel}\u0000${canonicalParams(withoutUndefined(frame['params']))}`)
    // A custom `group` may put several params in one group: then every subscription of the channel hears it.
    const targets = exact ? [exact] : [...this.subs.values()].filter((sub) => sub.channel === channel)
    for (const sub of targets) {
      for (const handle of [...sub.handles]) if (!handle.closed) handle.handlers.onMessage(frame['data'], frame as unknown as ChannelFrame)
    }
  }

  private channelError(frame: Record<string, unknown>): void {
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

  // ── channels ──────────────────────────────────────────────────────────────
  private setSubState(sub: ServerSub, state: ChannelStatus): void {
    if (sub.state === state) return
    sub.state = state
    for (const handle of [...sub.handles]) handle.handlers.onStatus?.(state)
  }

  private sendSubscribe(sub: ServerSub): void {
    if (this.sendRaw({ action: 'subscribe', channel: sub.channel, params: sub.params })) {
      this.awaitingAck.push(sub)
      if (sub.state !== 'connecting') this.setSubState(sub, 'connecting')
    }
  }

  private join(channel: string, params: unknown, handle: SubHandle): void {
    const clean = withoutUndefined(params)
    const key = `${channel}\u0000${canonicalParams(clean)}`
    let sub = this.subs.get(key)
    if (!sub) {
      sub = { channel, params: clean, key, state: this.state === 'reconnecting' ? 'reconnecting' : 'connecting', handles: new Set() }
      this.subs.set(key, sub)
      if (this.state === 'open') this.sendSubscribe(sub)
      else this.ensureOpen()
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
    if (sub.state !== 'error') this.sendRaw({ action: 'unsubscribe', channel: sub.channel, params: sub.params })
  }

  channel(channel: string, params: unknown, handlers: ChannelHandlers): ChannelSubscription {
    const handle = { handlers, closed: false } as SubHandle
    this.join(channel, params, handle)
    const connection = this
    return {
      get status() {
        return handle.closed ? 'closed' : handle.sub.state
      },
      send(message: unknown) {
        if (handle.closed) return
        const text = JSON.stringify({ action: 'message', channel, params: handle.sub.params, data: message })
        if (connection.state === 'open' && connection.socket?.readyState === OPEN) connection.socket.send(text)
        else if (connection.outbox.length < 100) {
          connection.outbox.push(text)
          connection.ensureOpen()
        } else handlers.onError?.('Not connected: message dropped (outbox full)')
      },
      update(next: unknown) {
        if (handle.closed || canonicalParams(withoutUndefined(next)) === canonicalParams(handle.sub.params)) return
        connection.leave(handle)
        connection.join(channel, next, handle)
        handlers.onStatus?.(handle.sub.state)
      },
      close() {
        if (handle.closed) return
        handle.closed = true
        connection.leave(handle)
      },
    }
  }

  // ── live invalidation ─────────────────────────────────────────────────────
  watch(context: string, params: Record<string, unknown> = {}): () => void {
    const clean = withoutUndefined(params)
    const key = `${context}\u0000${canonicalParams(clean)}`
    const existing = this.watches.get(key)
    if (existing) existing.count++
    else {
      this.watches.set(key, { context, params: clean, count: 1 })
      if (!this.sendRaw({ action: 'watch', context, params: clean })) this.ensureOpen()
    }
    let done = false
    return () => {
      if (done) return
      done = true
      const watch = this.watches.get(key)
      if (!watch || --watch.count > 0) return
      this.watches.delete(key)
      this.sendRaw({ action: 'unwatch', context, params: clean })
    }
  }

  onInvalidate(listener: (entries: InvalidateEntry[]) => void): () => void {
    this.invalidateListeners.add(listener)
    return () => this.invalidateListeners.delete(listener)
  }

  /** Close for good: pending requests fail, no reconnect. */
  close(): void {
    if (this.shut) return
    this.shut = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.failAll(new MizanError('NETWORK_ERROR', 'The WebSocket connection was closed', { status: 0 }))
    const socket = this.socket
    this.socket = undefined
    socket?.close(1000)
    this.setState('closed')
  }
}

async function resolveHeaders(option: HeadersOption | undefined): Promise<HeadersInit | undefined> {
  return typeof option === 'function' ? option() : option
}

/**
 * The channel, watch and connection methods of a kernel made by `createMizanClient`, typed
 * from its router: `realtimeOf(client).channel('chat', { room }, { onMessage })`.
 */
export function realtimeOf<R extends AnyRouter>(client: MizanClient<R>): MizanRealtime<R>
export function realtimeOf(client: UntypedMizanClient): UntypedRealtime
export function realtimeOf(client: object): unknown {
  const candidate = client as Partial<UntypedRealtime>
  if (typeof candidate.channel !== 'function' || typeof candidate.watch !== 'function') {
    throw new TypeError('Mizan: this client has no WebSocket transport (make it with createMizanClient)')
  }
  return client
}
