/**
 * One open socket: reads frames and hands each to its handler (requests, channels, watches),
 * writes through a single backpressure check, answers the heartbeat, and on close lets go of
 * everything it held on the hub.
 */
import { CLIENT_ID_HEADER } from '../../../shared/protocol.ts'
import type { Duplex } from 'node:stream'
import { WebSocket, type RawData } from 'ws'
import { MizanError } from '../../../shared/errors.ts'
import type { MizanUser, RequestContext } from '../../defineClient.ts'
import type { MizanRequest } from '../../dispatch-types.ts'
import { ChannelSubscriptions } from './channel-subscriptions.ts'
import { ContextWatches } from './context-watches.ts'
import type { SessionLink, WsEnv } from './env.ts'
import { BatchedReplies } from './batched-replies.ts'
import { decodeFrame, isRecord, NOT_A_FRAME, pyText, type Frame } from './frames.ts'
import { SessionRequests } from './requests.ts'
import { stringifyJson } from '../../../shared/exact-json.ts'

export class Session implements SessionLink {
  private readonly requests: SessionRequests
  private readonly channels: ChannelSubscriptions
  private readonly watches: ContextWatches
  private serial: Promise<void> = Promise.resolve()
  private queued = 0
  private alive = true
  private isClosed = false
  private lastFrameAt = Date.now()
  private corked = false
  /** Set by the socket's first batch: a client that sends batches reads them (PROTOCOL.md §15). */
  private batched: BatchedReplies | undefined
  private readonly uncork = () => {
    this.corked = false
    this.socket.uncork()
  }

  constructor(
    private readonly env: WsEnv,
    readonly ws: WebSocket,
    private readonly request: MizanRequest,
    private readonly abort: AbortController,
    /** The upgraded TCP socket under `ws`: replies written in one tick leave in one write. */
    private readonly socket: Duplex,
  ) {
    this.requests = new SessionRequests(env, this)
    this.channels = new ChannelSubscriptions(env, this)
    this.watches = new ContextWatches(env, this)
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary))
    ws.on('pong', () => {
      this.alive = true
    })
    // ws closes the socket itself after an error (1009 for an oversized frame); the listener keeps it from throwing.
    ws.on('error', () => {})
    ws.once('close', () => this.cleanup())
  }

  get clientId(): string | undefined {
    return this.request.headers.get(CLIENT_ID_HEADER) ?? undefined
  }

  get closed(): boolean {
    return this.isClosed
  }

  get subscriptionCount(): number {
    return this.channels.size + this.watches.size
  }

  closeIfIdle(): void {
    const busy = this.channels.size || this.watches.size || this.requests.size || this.requests.streams.size || this.queued
    if (!busy && Date.now() - this.lastFrameAt >= this.env.limits.idleTimeoutMs) this.ws.close(1000, 'Idle timeout')
  }

  beat(): void {
    if (!this.alive) {
      this.ws.terminate()
      return
    }
    this.alive = false
    this.ws.ping()
  }

  sendText(text: string): void {
    if (this.batched) this.queue(text)
    else this.sendNow(text)
  }

  send(frame: Frame): void {
    if (this.batched) this.queue(frame)
    else this.sendNow(this.textOf(frame))
  }

  /**
   * A frame's JSON text. A reply that cannot be serialized (a BigInt, a cycle, a throwing
   * toJSON in a handler's result) is reported and answered as an internal error under its id:
   * a failure here must never escape into a callback where nothing catches it.
   */
  readonly textOf = (frame: Frame): string => {
    try {
      return stringifyJson(frame)
    } catch (error) {
      this.env.report(error, { fn: this.env.path })
      const id = frame['id']
      const failed = { code: 'INTERNAL_ERROR', message: 'An internal error occurred' }
      return JSON.stringify(typeof id === 'string' || typeof id === 'number' ? { id, ok: false, error: failed } : { error: failed.message })
    }
  }

  private queue(item: Frame | string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.batched?.add(item)
  }

  /** Every frame leaves through here: a peer that does not read is dropped before it costs more than `maxBufferedBytes`. */
  private readonly sendNow = (text: string): void => {
    if (this.ws.readyState !== WebSocket.OPEN) return
    const { maxBufferedBytes } = this.env.limits
    const buffered = this.ws.bufferedAmount
    // A UTF-16 unit is at most 3 UTF-8 bytes: the exact count is only needed near the limit.
    if (buffered + text.length * 3 > maxBufferedBytes && buffered + Buffer.byteLength(text) > maxBufferedBytes) {
      this.env.report(new Error(`dropping a slow WebSocket consumer (${buffered} bytes unsent)`), { fn: this.env.path })
      this.ws.terminate()
      return
    }
    // Frames of one read are answered in the same tick; corking until the tick ends turns their
    // replies into one syscall instead of one per frame (ws's own cork/uncork nests inside ours).
    // A batching socket already writes once per turn.
    if (!this.corked && !this.batched) {
      this.corked = true
      this.socket.cork()
      process.nextTick(this.uncork)
    }
    this.ws.send(text)
  }

  context(): Promise<RequestContext<MizanUser>> {
    return this.env.core.requestContext(this.request)
  }

  contextMaybeSync(): RequestContext<MizanUser> | Promise<RequestContext<MizanUser>> {
    return this.env.core.requestContextMaybeSync(this.request)
  }

  /** A frame without an `id` (the reference's `{"error": "..."}`): its text is what `formatError` leaves of the message. */
  refuse(error: MizanError, extra?: Frame): void {
    this.send({ error: this.env.formatError(error).message, ...extra })
  }

  asMizanError(error: unknown, where: string): MizanError {
    if (error instanceof MizanError) return error
    this.env.report(error, { fn: where })
    return new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: error })
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    this.alive = true
    const { limits } = this.env
    // Only the idle sweep reads the time; with no idle timeout, a frame does not pay for a clock read.
    if (limits.idleTimeoutMs) this.lastFrameAt = Date.now()
    const decoded = decodeFrame(data, isBinary, limits.maxFrameBytes, limits.maxJsonDepth)
    if ('error' in decoded) return this.refuse(new MizanError('BAD_REQUEST', decoded.error))
    if ('frame' in decoded) return this.handle(decoded.frame)
    this.onBatch(decoded.batch)
  }

  /** The frames of a batch in order, as if sent one by one: a subscribe still precedes the message after it. */
  private onBatch(batch: unknown[]): void {
    this.batched ??= new BatchedReplies(this.sendNow, this.textOf)
    const { maxBatchFrames } = this.env.limits
    if (batch.length === 0) return this.refuse(new MizanError('BAD_REQUEST', 'Batch is empty'))
    if (batch.length > maxBatchFrames) return this.refuse(new MizanError('BAD_REQUEST', `Batch of ${batch.length} frames exceeds ${maxBatchFrames}`))
    for (const frame of batch) {
      if (isRecord(frame)) this.handle(frame)
      else this.refuse(new MizanError('BAD_REQUEST', NOT_A_FRAME))
    }
  }

  private handle(frame: Frame): void {
    const { liveInvalidation } = this.env
    switch (frame['action']) {
      case 'rpc':
        return void this.requests.rpc(frame)
      case 'ctx':
        return void this.requests.ctx(frame)
      case 'cancel':
        return this.requests.cancel(frame)
      case 'subscribe':
        return this.serially(() => this.channels.subscribe(frame))
      case 'unsubscribe':
        return this.serially(() => this.channels.unsubscribe(frame))
      case 'message':
        return this.serially(() => this.channels.message(frame))
      case 'watch':
        if (liveInvalidation) return this.serially(() => this.watches.watch(frame))
        break
      case 'unwatch':
        if (liveInvalidation) return this.serially(() => this.watches.unwatch(frame))
        break
    }
    this.refuse(new MizanError('BAD_REQUEST', `Unknown action: ${pyText(frame['action'])}`))
  }

  /** Channel and watch frames run in arrival order, so a `message` right after its `subscribe` finds it. */
  private serially(work: () => Promise<void>): void {
    const { maxInFlight } = this.env.limits
    if (this.queued >= maxInFlight) return this.refuse(new MizanError('BAD_REQUEST', `Too many pending requests (max ${maxInFlight})`))
    this.queued++
    this.serial = this.serial
      .then(work)
      .catch((error: unknown) => this.env.report(error, { fn: this.env.path }))
      .finally(() => {
        this.queued--
      })
  }

  /** Resolves once the socket's unsent bytes are under a quarter of `maxBufferedBytes`: a stream's items wait for it. */
  drained(): Promise<void> {
    const mark = this.env.limits.maxBufferedBytes / 4
    if (this.ws.readyState !== WebSocket.OPEN || this.ws.bufferedAmount < mark) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done)
        this.ws.off('close', done)
        resolve()
      }
      this.socket.on('drain', done)
      this.ws.once('close', done)
    })
  }

  private cleanup(): void {
    this.isClosed = true
    this.requests.streams.detach()
    this.abort.abort()
    const leaveGroups = this.channels.detach()
    const unwatchContexts = this.watches.detach()
    // After pending channel work, so a subscribe finishing late does not leave a dangling group.
    void this.serial.then(async () => {
      await leaveGroups()
      await unwatchContexts()
    })
  }
}
