/**
 * One socket per client, opened on first use. It reconnects with backoff and jitter while
 * there is work, and on every open re-subscribes, re-watches and sends what waited for it.
 * The parts that own that work (requests, channels, watches) send through one `Wire`.
 */
import type { MizanError } from '../../shared/errors.ts'
import { socketError } from '../errors.ts'
import type { InvalidateEntry, WsInvalidateFrame } from '../../shared/protocol.ts'
import { backoffDelay } from '../retry.ts'
import { ChannelRegistry } from './channel-registry.ts'
import { parseFrames, type Frame } from './frames.ts'
import { LiveWatches, type WatchOptions } from './live-watches.ts'
import { PendingRequests } from './pending-requests.ts'
import type { ChannelHandlers, ChannelSubscription, ConnectionStatus, SocketLink, WsConnectionHandle } from './realtime-types.ts'
import { handshakeHeaders, socketTarget, type WebSocketConstructor, type WebSocketLike, type WsConnectionOptions } from './socket-options.ts'
import type { Wire } from './wire.ts'
import { plainJson } from '../json.ts'

const OPEN = 1
/** Frames per batch, at most: half the server's default `maxBatchFrames`, which refuses a longer batch whole. */
const MAX_BATCH_FRAMES = 32
const BATCH_REFUSED = 'The server closed the socket (1011) on a batch: it reads no batches (Python?), so websocket.batch is now off'
/**
 * After the calls of this turn: promise chains that end in a send (an async call path) still
 * join the batch. setImmediate where it exists (node); otherwise a zero timeout, as tRPC's wsLink.
 */
const afterThisTurn: (run: () => void) => void = typeof setImmediate === 'function' ? (run) => setImmediate(run) : (run) => setTimeout(run, 0)
const CLOSED = 'The WebSocket connection was closed'

export class WsConnection implements SocketLink {
  private socket: WebSocketLike | undefined
  private state: ConnectionStatus = 'idle'
  private attempt = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>()
  private shut = false
  private opening: Promise<void> | undefined
  /** Bumped by `reconnect()`: a handshake prepared before it carries the old identity. */
  private generation = 0
  private readonly requests: PendingRequests
  private readonly channels: ChannelRegistry
  private readonly watches: LiveWatches
  /** With `batch`: the frames written in this turn, sent together after it. */
  private outbox: string[] = []
  private batching: boolean
  /** A batch went out and nothing has come back since: a server that cannot read it closes with 1011. */
  private batchUnanswered = false
  private readonly sendOutbox = () => {
    const texts = this.outbox
    this.outbox = []
    if (texts.length === 0 || !this.socket || this.socket.readyState !== OPEN) return
    if (texts.length === 1) return this.socket.send(texts[0]!)
    this.batchUnanswered = true
    for (let at = 0; at < texts.length; at += MAX_BATCH_FRAMES) this.socket.send(`[${texts.slice(at, at + MAX_BATCH_FRAMES).join(',')}]`)
  }

  /** The shared socket: its status, and `close()` to shut it for good. */
  readonly connection: WsConnectionHandle

  constructor(private readonly options: WsConnectionOptions) {
    this.batching = options.batch === true
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
      reconnect: () => this.reconnect(),
    }
    const wire: Wire = {
      get status() {
        return connection.state
      },
      send: (frame) => this.write(() => (options.json ?? plainJson).stringify(frame)),
      sendText: (text) => this.write(() => text),
      ensureOpen: () => this.ensureOpen(),
    }
    this.requests = new PendingRequests(wire, options)
    this.channels = new ChannelRegistry(wire)
    this.watches = new LiveWatches(wire)
  }

  get status(): ConnectionStatus {
    return this.state
  }

  private setState(state: ConnectionStatus): void {
    if (this.state === state) return
    this.state = state
    for (const listener of [...this.statusListeners]) listener(state)
    this.channels.connectionChanged(state)
  }

  /** `false` when the socket is not open; the text is made only when it can be sent. */
  private write(text: () => string): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false
    if (!this.batching) this.socket.send(text())
    else if (this.outbox.push(text()) === 1) afterThisTurn(this.sendOutbox)
    return true
  }

  /** The socket is let go: frames written for it do not go to the next one (requests decide what is sent again). */
  private dropSocket(): void {
    this.socket = undefined
    this.outbox = []
    this.batchUnanswered = false
  }

  // ── connecting ────────────────────────────────────────────────────────────
  private hasWork(): boolean {
    return this.requests.size > 0 || this.channels.size > 0 || this.watches.size > 0 || this.channels.queued > 0
  }

  /** Open on demand: first use, after going idle, or after a failure that left it closed. */
  private ensureOpen(): void {
    if (this.shut) return
    if (this.state === 'idle' || this.state === 'closed') void this.connect()
  }

  private connect(): Promise<void> {
    if (this.opening) return this.opening
    const generation = this.generation
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting')
    this.opening = (async () => {
      let socket: WebSocketLike
      try {
        const Ctor = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
        if (!Ctor) throw new Error('no WebSocket implementation: pass websocket.WebSocket (e.g. from the `ws` package)')
        const { url, protocols } = await socketTarget(this.options)
        const headers = await handshakeHeaders(this.options)
        if (this.shut || generation !== this.generation) return
        socket = headers ? new Ctor(url, protocols, { headers }) : protocols ? new Ctor(url, protocols) : new Ctor(url)
      } catch (error) {
        this.failAll(socketError(`WebSocket connection failed: ${String((error as Error | undefined)?.message ?? error)}`, error))
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
      socket.onclose = (event) => {
        if (this.socket === socket) this.disconnected(event.code)
      }
    })().finally(() => {
      this.opening = undefined
      // reconnect() came while the URL and headers were being made: make them again.
      if (generation !== this.generation && !this.shut) this.reopen()
    })
    return this.opening
  }

  private reopen(): void {
    if (this.hasWork()) void this.connect()
    else this.setState('idle')
  }

  /**
   * A socket is authenticated once, by its handshake. After signing in or out (new cookies) or
   * when the token changes, this opens a new one at once: subscriptions and watches resume on it
   * (authorized again, for the new identity), unanswered reads are sent again, and calls that
   * were on the wire fail (they may have run, so they are never sent twice).
   */
  private reconnect(): void {
    if (this.shut) return
    this.generation++
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.attempt = 0
    const socket = this.socket
    if (socket) {
      this.dropSocket()
      this.channels.disconnected()
      this.requests.disconnected()
      socket.close(1000)
      // As for a dropped socket: what was open says it is coming back.
      if (this.hasWork()) this.setState('reconnecting')
    }
    if (!this.opening) this.reopen()
  }

  private disconnected(code: number): void {
    // The Python reference fails on an array frame and closes with 1011 (internal error). From
    // then on this client sends a frame per request; the calls that were on the wire fail saying
    // why, and reads are sent again, unbatched.
    const batchRefused = this.batchUnanswered && code === 1011
    if (batchRefused) this.batching = false
    this.dropSocket()
    this.channels.disconnected()
    this.requests.disconnected(batchRefused ? BATCH_REFUSED : undefined)
    if (this.shut) return this.setState('closed')
    const reconnect = this.options.reconnect
    if (reconnect === false) {
      this.failAll(socketError('The WebSocket closed'))
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
    this.channels.resubscribe()
    this.watches.rewatch()
    this.requests.sendUnsent()
    for (const text of this.channels.takeOutbox()) this.write(() => text)
  }

  private failAll(error: MizanError): void {
    this.requests.failAll(error)
    this.channels.dropOutbox()
  }

  // ── incoming ──────────────────────────────────────────────────────────────
  private receive(text: string): void {
    this.batchUnanswered = false
    for (const frame of parseFrames(text, this.options.json)) this.receiveFrame(frame)
  }

  private receiveFrame(frame: Frame): void {
    if ('ok' in frame && 'id' in frame) return this.requests.reply(frame)
    if (frame['type'] === 'invalidate' && Array.isArray(frame['invalidate'])) {
      return this.watches.deliver((frame as unknown as WsInvalidateFrame).invalidate)
    }
    if (frame['watching'] === true) return this.watches.acknowledged(frame)
    if (frame['type'] === 'position') return this.watches.positioned(frame)
    if (frame['subscribed'] === true) return this.channels.acknowledged(frame)
    if (typeof frame['channel'] === 'string' && 'data' in frame && 'type' in frame && !('error' in frame)) return this.channels.broadcast(frame)
    if (typeof frame['error'] === 'string') return this.channels.channelError(frame)
  }

  // ── the realtime API ──────────────────────────────────────────────────────
  /**
   * Send `{action, id, …}` and resolve with the `ok` reply. Context reads (`ctx`) survive a
   * reconnect (they are sent again); calls (`rpc`) that were on the wire fail instead.
   */
  request(frame: Frame, signal?: AbortSignal): Promise<Frame> {
    if (this.shut) return Promise.reject(socketError(CLOSED))
    const call = frame['action'] === 'rpc'
    return this.requests.request(frame, call ? 'call' : 'read', call ? `call '${String(frame['fn'])}'` : `context '${String(frame['context'])}'`, signal)
  }

  channel(channel: string, params: unknown, handlers: ChannelHandlers): ChannelSubscription {
    return this.channels.channel(channel, params, handlers)
  }

  watch(context: string, params: Record<string, unknown> = {}, options?: WatchOptions): () => void {
    return this.watches.watch(context, params, options)
  }

  onInvalidate(listener: (entries: InvalidateEntry[]) => void): () => void {
    return this.watches.onInvalidate(listener)
  }

  /** Close for good: pending requests fail, no reconnect. */
  close(): void {
    if (this.shut) return
    this.shut = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.failAll(socketError(CLOSED))
    const socket = this.socket
    this.dropSocket()
    socket?.close(1000)
    this.setState('closed')
  }
}
