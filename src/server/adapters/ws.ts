/**
 * The WebSocket transport (docs/PROTOCOL.md §9): one socket multiplexes RPC (`rpc`), context
 * reads (`ctx`), and channel `subscribe`/`unsubscribe`/`message`, with the reference's frames.
 * Calls go through the same dispatcher core as HTTP (auth, validation, invalidate, merge,
 * cache purge, error envelopes). Beyond the protocol, opt-in: `watch`/`unwatch` a context and
 * receive `{"type":"invalidate","invalidate":[…]}` when a mutation anywhere invalidates it.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { MizanError } from '../../shared/errors.ts'
import { pythonStr } from '../../shared/invalidate-header.ts'
import { DIALECTS, ROUTES, type InvalidateEntry, type WireParams, type WsInvalidateFrame } from '../../shared/protocol.ts'
import { createDispatcher, type DispatchOptions, type InvalidationEvent, type MizanRequest } from '../dispatch.ts'
import type { MizanUser, RequestContext } from '../defineClient.ts'
import { enforceAuth } from '../execute.ts'
import { envelopeOf } from '../http-parts.ts'
import { parseJsonBody } from '../json-body.ts'
import type { AnyServerRouter } from '../router.ts'
import { ChannelHub, broadcastFrame, canonicalJson, parseWith, type LiveListener } from '../channels/hub.ts'
import type { RegisteredChannel } from '../channels/define-channel.ts'
import superjson from 'superjson'

export interface WebSocketOptions<TUser extends MizanUser = MizanUser> extends DispatchOptions<TUser> {
  /** Path of the socket (default `/ws/`, at the site root as the reference mounts it). */
  path?: string
  /** Group registry and bus; share one hub with the code that calls `publish`. Default: a fresh in-memory hub. */
  hub?: ChannelHub
  /** Serve `watch`/`unwatch` and push invalidation frames (default `false`: the reference has no such frames). */
  liveInvalidation?: boolean
  /**
   * `'any'` (default): every client-callable function answers over the socket. `'websocket-only'`:
   * as the reference, only `websocket: true` functions; others answer FORBIDDEN "HTTP-only".
   */
  rpc?: 'any' | 'websocket-only'
  /** Largest text frame answered normally; a bigger one gets an error frame (default 64 KiB). */
  maxFrameBytes?: number
  /** Frames this big close the socket (1009) before they are even buffered (default 4 × maxFrameBytes). */
  hardMaxFrameBytes?: number
  /** Channel subscriptions plus context watches per socket (default 100). */
  maxSubscriptions?: number
  /** RPC and ctx requests in flight per socket (default 32). */
  maxInFlight?: number
  /** A socket whose unsent data would pass this is dropped as a slow consumer (default 1 MiB). */
  maxBufferedBytes?: number
  /** Ping period; a socket that missed the previous pong is dropped (default 30 s, 0 = off). */
  heartbeatMs?: number
  /** Close (1000, "Idle timeout") a socket with no subscription, watch or request that sent nothing for this long (default 0 = never). */
  idleTimeoutMs?: number
  /**
   * Origins allowed to open a socket. Default: any origin when the request carries no cookie,
   * else only the page's own host (a cookie session must not ride a cross-site socket).
   */
  allowedOrigins?: readonly string[] | ((origin: string, req: IncomingMessage) => boolean)
}

export interface MizanWebSocketServer {
  readonly wss: WebSocketServer
  readonly hub: ChannelHub
  readonly path: string
  /** Open sockets. */
  readonly size: number
  /** Same as `hub.publish`. */
  publish: ChannelHub['publish']
  /** Close every socket with 1001 and stop accepting new ones. */
  close(): Promise<void>
}

type Frame = Record<string, unknown>
type RpcId = string | number

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Python's `str()` of a frame field, as the reference's f-strings print it (`None` for a missing one). */
function pyText(value: unknown): string {
  if (value === undefined || value === null) return 'None'
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The reference's param comparison on the client, applied here before any frame leaves. */
function sameValue(a: unknown, b: unknown): boolean {
  return String(a) === String(b) || pythonStr(a) === pythonStr(b)
}

function paramsWithin(entry: WireParams, watched: WireParams): boolean {
  return Object.entries(entry).every(([name, value]) => Object.prototype.hasOwnProperty.call(watched, name) && sameValue(watched[name], value))
}

function errorObject(error: MizanError): Record<string, unknown> {
  const { error: _flag, ...rest } = envelopeOf(error)
  return rest
}

function rejectUpgrade(socket: Duplex, status: number, error: MizanError): void {
  const body = JSON.stringify(envelopeOf(error))
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status] ?? 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  )
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  return headers
}

/**
 * Serve the Mizan WebSocket protocol on an http(s) server: `attachWebSocket(server, router, options)`.
 * The options are the HTTP handler's (same `resolveUser`, `cache`, `coercion`…) plus the socket's own.
 */
export function attachWebSocket<TUser extends MizanUser>(
  server: HttpServer | HttpsServer,
  router: AnyServerRouter,
  options: WebSocketOptions<TUser> = {},
): MizanWebSocketServer {
  const hub = options.hub ?? new ChannelHub()
  hub.register(router)
  const live = options.liveInvalidation ?? false
  const onInvalidate = options.onInvalidate
  const dispatcher = createDispatcher(router, {
    ...options,
    onInvalidate: live
      ? (event: InvalidationEvent) => Promise.all([hub.invalidated(event), onInvalidate?.(event)]).then(() => undefined)
      : onInvalidate,
  })
  const core = dispatcher.core
  const report = options.onError ?? ((error: unknown, where: { fn: string }) => console.error(`[mizan] ${where.fn}:`, error))
  const path = options.path ?? ROUTES.websocket
  const pathAlt = path.endsWith('/') ? path.slice(0, -1) : `${path}/`
  const httpPrefix = (options.prefix ?? DIALECTS[options.dialect ?? 'mizan'].prefix).replace(/\/+$/, '')
  const rpcMode = options.rpc ?? 'any'
  const maxFrameBytes = options.maxFrameBytes ?? 64 * 1024
  const hardMax = Math.max(options.hardMaxFrameBytes ?? maxFrameBytes * 4, maxFrameBytes)
  const maxSubscriptions = options.maxSubscriptions ?? 100
  const maxInFlight = options.maxInFlight ?? 32
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024
  const maxJsonDepth = options.maxJsonDepth ?? 64
  const heartbeatMs = options.heartbeatMs ?? 30_000
  const idleTimeoutMs = options.idleTimeoutMs ?? 0
  const wss = new WebSocketServer({ noServer: true, maxPayload: hardMax, perMessageDeflate: false })
  const sessions = new Set<Session>()

  function originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin
    if (!origin) return true
    const allowed = options.allowedOrigins
    if (typeof allowed === 'function') return allowed(origin, req)
    if (allowed) return allowed.includes(origin)
    if (!req.headers.cookie) return true
    try {
      return new URL(origin).host === req.headers.host
    } catch {
      return false
    }
  }

  /** The handshake as a MizanRequest, so `resolveUser` (cookie session, MWT header, `?token=` as Bearer) reads it as HTTP. */
  function handshakeRequest(req: IncomingMessage, url: URL, signal: AbortSignal): MizanRequest {
    const headers = toHeaders(req)
    const token = url.searchParams.get('token')
    if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`)
    return { method: 'GET', url, headers, readBody: async () => '', raw: req, signal }
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== path && url.pathname !== pathAlt) {
      // Another upgrade handler may own this path; with none, answer instead of leaving the socket hanging.
      if (server.listenerCount('upgrade') <= 1) rejectUpgrade(socket, 404, new MizanError('NOT_FOUND', 'Not found'))
      return
    }
    socket.on('error', () => socket.destroy())
    if (!originAllowed(req)) return rejectUpgrade(socket, 403, new MizanError('FORBIDDEN', 'Origin not allowed'))
    const abort = new AbortController()
    const request = handshakeRequest(req, url, abort.signal)
    try {
      // Auth at the handshake: a presented token that does not verify refuses the socket (401), never "anonymous".
      await core.requestContext(request)
    } catch (error) {
      if (error instanceof MizanError) return rejectUpgrade(socket, error.status || 401, error)
      report(error, { fn: path })
      return rejectUpgrade(socket, 500, new MizanError('INTERNAL_ERROR', 'An internal error occurred'))
    }
    if (socket.destroyed) return
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new Session(ws, request, abort)
      sessions.add(session)
      ws.once('close', () => sessions.delete(session))
    })
  }

  const upgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((error: unknown) => {
      report(error, { fn: path })
      socket.destroy()
    })
  }
  server.on('upgrade', upgradeListener)

  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          for (const session of sessions) session.beat()
        }, heartbeatMs)
      : undefined
  heartbeat?.unref()
  const idleCheck =
    idleTimeoutMs > 0
      ? setInterval(() => {
          for (const session of sessions) session.closeIfIdle()
        }, Math.max(10, idleTimeoutMs / 4))
      : undefined
  idleCheck?.unref()

  class Session implements LiveListener {
    private readonly inflight = new Set<string>()
    /** channel + canonical params → the subscription. */
    private readonly subs = new Map<string, { reg: RegisteredChannel; group: string }>()
    /** group → subscriptions of this socket in it: the socket joins each group once. */
    private readonly groups = new Map<string, number>()
    /** context + canonical params → watched params. */
    private readonly watches = new Map<string, { context: string; params: WireParams }>()
    private readonly watchedContexts = new Map<string, number>()
    private serial: Promise<void> = Promise.resolve()
    private queued = 0
    private alive = true
    private closed = false
    private lastFrameAt = Date.now()
    private readonly onGroupFrame = (frame: string) => this.sendText(frame)

    constructor(
      readonly ws: WebSocket,
      private readonly request: MizanRequest,
      private readonly abort: AbortController,
    ) {
      ws.on('message', (data, isBinary) => this.onFrame(data, isBinary))
      ws.on('pong', () => {
        this.alive = true
      })
      // ws closes the socket itself after an error (1009 for an oversized frame); the listener keeps it from throwing.
      ws.on('error', () => {})
      ws.once('close', () => this.cleanup())
    }

    closeIfIdle(): void {
      const busy = this.subs.size || this.watches.size || this.inflight.size || this.queued
      if (!busy && Date.now() - this.lastFrameAt >= idleTimeoutMs) this.ws.close(1000, 'Idle timeout')
    }

    beat(): void {
      if (!this.alive) {
        this.ws.terminate()
        return
      }
      this.alive = false
      this.ws.ping()
    }

    /** Anything sent goes through here: a peer that does not read is dropped before it costs more than `maxBufferedBytes`. */
    sendText(text: string): void {
      if (this.ws.readyState !== WebSocket.OPEN) return
      if (this.ws.bufferedAmount + Buffer.byteLength(text) > maxBuffered) {
        report(new Error(`dropping a slow WebSocket consumer (${this.ws.bufferedAmount} bytes unsent)`), { fn: path })
        this.ws.terminate()
        return
      }
      this.ws.send(text)
    }

    private send(frame: Frame): void {
      this.sendText(JSON.stringify(frame))
    }

    private reply(id: RpcId, outcome: { data: unknown } | { error: MizanError }): void {
      if ('data' in outcome) this.send({ id, ok: true, data: outcome.data })
      else this.send({ id, ok: false, error: errorObject(outcome.error) })
    }

    /** Identity is re-resolved for every request, so a revoked session or an expired token stops working mid-connection. */
    private context(): Promise<RequestContext<MizanUser>> {
      return core.requestContext(this.request)
    }

    private asMizanError(error: unknown, where: string): MizanError {
      if (error instanceof MizanError) return error
      report(error, { fn: where })
      return new MizanError('INTERNAL_ERROR', 'An internal error occurred')
    }

    private onFrame(data: RawData, isBinary: boolean): void {
      this.alive = true
      this.lastFrameAt = Date.now()
      if (isBinary) return this.send({ error: 'Binary frames are not supported; send JSON text' })
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
      if (bytes.length > maxFrameBytes) return this.send({ error: `Frame exceeds ${maxFrameBytes} bytes` })
      let frame: unknown
      try {
        frame = parseJsonBody(bytes.toString('utf8'), maxJsonDepth)
      } catch (error) {
        return this.send({ error: error instanceof MizanError && error.message.startsWith('JSON nested') ? error.message : 'Invalid JSON' })
      }
      if (!isRecord(frame)) return this.send({ error: 'Frame must be a JSON object' })
      switch (frame['action']) {
        case 'rpc':
          return void this.rpc(frame)
        case 'ctx':
          return void this.ctx(frame)
        case 'subscribe':
          return this.serially(() => this.subscribe(frame))
        case 'unsubscribe':
          return this.serially(() => this.unsubscribe(frame))
        case 'message':
          return this.serially(() => this.message(frame))
        case 'watch':
          if (live) return this.serially(() => this.watch(frame))
          break
        case 'unwatch':
          if (live) return this.serially(() => this.unwatch(frame))
          break
      }
      this.send({ error: `Unknown action: ${pyText(frame['action'])}` })
    }

    /** Channel and watch frames run in arrival order, so a `message` right after its `subscribe` finds it. */
    private serially(work: () => Promise<void>): void {
      if (this.queued >= maxInFlight) return this.send({ error: `Too many pending requests (max ${maxInFlight})` })
      this.queued++
      this.serial = this.serial
        .then(work)
        .catch((error: unknown) => report(error, { fn: path }))
        .finally(() => {
          this.queued--
        })
    }

    /** `true` when the request may proceed; otherwise it has been answered. */
    private admit(frame: Frame, kind: 'RPC' | 'ctx'): RpcId | undefined {
      const id = frame['id']
      if (id === undefined || id === null) {
        this.send({ error: `${kind} request missing 'id' field` })
        return undefined
      }
      if (typeof id !== 'string' && typeof id !== 'number') {
        this.send({ error: `${kind} 'id' must be a string or a number` })
        return undefined
      }
      const key = JSON.stringify(id)
      if (this.inflight.has(key)) {
        // No `id` on this frame: the request already running under that id still gets its own answer.
        this.send({ error: `${kind} id ${key} is already in flight` })
        return undefined
      }
      if (this.inflight.size >= maxInFlight) {
        this.reply(id, { error: new MizanError('BAD_REQUEST', `Too many requests in flight (max ${maxInFlight})`) })
        return undefined
      }
      this.inflight.add(key)
      return id
    }

    private async rpc(frame: Frame): Promise<void> {
      const id = this.admit(frame, 'RPC')
      if (id === undefined) return
      try {
        const fn = frame['fn']
        if (!fn) throw new MizanError('BAD_REQUEST', "Missing 'fn' field")
        const reg = typeof fn === 'string' ? router.functions.get(fn) : undefined
        if (!reg) throw new MizanError('NOT_FOUND', `Function '${pyText(fn)}' not found`)
        if (reg.fn.options.private) throw new MizanError('FORBIDDEN', 'Function is not client-callable')
        if (rpcMode === 'websocket-only' && !reg.fn.options.websocket) {
          throw new MizanError('FORBIDDEN', `This function is HTTP-only. Use POST ${httpPrefix}${ROUTES.call} instead.`)
        }
        const ctx = await this.context()
        const { body } = await core.invoke(reg, frame['args'], frame['meta'], ctx, frame['superjson'] === true)
        this.reply(id, { data: body })
      } catch (error) {
        this.reply(id, { error: this.asMizanError(error, typeof frame['fn'] === 'string' ? frame['fn'] : path) })
      } finally {
        this.inflight.delete(JSON.stringify(id))
      }
    }

    private async ctx(frame: Frame): Promise<void> {
      const id = this.admit(frame, 'ctx')
      if (id === undefined) return
      try {
        const name = frame['context']
        if (!name) throw new MizanError('BAD_REQUEST', "Missing 'context' field")
        const ctxDef = typeof name === 'string' ? router.contexts.get(name) : undefined
        if (!ctxDef) throw new MizanError('NOT_FOUND', `Context '${pyText(name)}' not found`)
        const params = frame['params'] ?? {}
        if (!isRecord(params)) throw new MizanError('BAD_REQUEST', "'params' must be an object")
        const ctx = await this.context()
        if (frame['superjson'] === true) {
          const { json, meta } = superjson.serialize(await core.bundle(ctxDef, params, ctx))
          this.send(meta ? { id, ok: true, data: json, meta } : { id, ok: true, data: json })
          return
        }
        const { body } = await core.contextText(ctxDef, params, ctx)
        // The bundle text (possibly straight from the origin cache) is spliced in, not re-serialized.
        this.sendText(`{"id":${JSON.stringify(id)},"ok":true,"data":${body}}`)
      } catch (error) {
        this.reply(id, { error: this.asMizanError(error, `ctx ${pyText(frame['context'])}`) })
      } finally {
        this.inflight.delete(JSON.stringify(id))
      }
    }

    private channelOf(frame: Frame): RegisteredChannel | undefined {
      const name = frame['channel']
      const reg = typeof name === 'string' ? router.channels.get(name) : undefined
      if (!reg) this.send({ error: `Unknown channel: ${pyText(name)}` })
      return reg
    }

    /** Validated params, or `undefined` once the error frame is sent. */
    private async paramsOf(reg: RegisteredChannel, frame: Frame): Promise<{ value: unknown } | undefined> {
      const parsed = await parseWith(reg.def.options.params, frame['params'] ?? {})
      if (parsed.ok) return { value: parsed.value }
      this.send({ error: `Invalid params: ${parsed.text}`, channel: reg.name })
      return undefined
    }

    /** Runs the channel's `authorize` with a freshly resolved identity; answers and returns `undefined` on refusal. */
    private async authorized(reg: RegisteredChannel, params: unknown): Promise<RequestContext<MizanUser> | undefined> {
      try {
        const ctx = await this.context()
        const allowed = reg.def.options.authorize ? await reg.def.options.authorize(params, ctx) : true
        if (allowed) return ctx
        this.send({ error: 'Not authorized', channel: reg.name })
      } catch (error) {
        const failure = error instanceof MizanError ? error : undefined
        if (!failure) report(error, { fn: `channel ${reg.name}` })
        this.send({ error: failure && failure.code !== 'FORBIDDEN' ? failure.message : 'Not authorized', channel: reg.name })
      }
      return undefined
    }

    private get subscriptionCount(): number {
      return this.subs.size + this.watches.size
    }

    private async subscribe(frame: Frame): Promise<void> {
      const reg = this.channelOf(frame)
      if (!reg) return
      const params = await this.paramsOf(reg, frame)
      if (!params) return
      const echo = frame['params'] ?? {}
      const key = `${reg.name}\u0000${canonicalJson(params.value ?? {})}`
      if (this.subs.has(key)) return this.send({ error: `Already subscribed to ${reg.name}`, channel: reg.name, params: echo })
      if (this.subscriptionCount >= maxSubscriptions) {
        return this.send({ error: `Too many subscriptions (max ${maxSubscriptions})`, channel: reg.name, params: echo })
      }
      if (!(await this.authorized(reg, params.value))) return
      if (this.closed) return
      const group = hub.groupOf(reg.def, reg.name, params.value)
      this.subs.set(key, { reg, group })
      await this.joinGroup(group)
      this.send({ subscribed: true, channel: reg.name, params: echo })
    }

    private async unsubscribe(frame: Frame): Promise<void> {
      const reg = this.channelOf(frame)
      if (!reg) return
      const echo = frame['params'] ?? {}
      const parsed = await parseWith(reg.def.options.params, echo)
      const key = parsed.ok ? `${reg.name}\u0000${canonicalJson(parsed.value ?? {})}` : undefined
      const sub = key === undefined ? undefined : this.subs.get(key)
      if (key !== undefined && sub) {
        this.subs.delete(key)
        await this.leaveGroup(sub.group)
      }
      this.send({ unsubscribed: true, channel: reg.name, params: echo })
    }

    private async message(frame: Frame): Promise<void> {
      const reg = this.channelOf(frame)
      if (!reg) return
      const params = await this.paramsOf(reg, frame)
      if (!params) return
      const sub = this.subs.get(`${reg.name}\u0000${canonicalJson(params.value ?? {})}`)
      if (!sub) return this.send({ error: `Not subscribed to ${reg.name}`, channel: reg.name })
      const { onMessage, clientMessage, message, type } = reg.def.options
      if (!onMessage) return this.send({ error: `Channel ${reg.name} does not accept client messages`, channel: reg.name })
      const data = await parseWith(clientMessage ?? message, frame['data'])
      if (!data.ok) return this.send({ error: `Invalid message: ${data.text}`, channel: reg.name })
      const ctx = await this.authorized(reg, params.value)
      if (!ctx) return
      let out: unknown
      try {
        out = await onMessage(data.value, params.value, ctx)
      } catch (error) {
        const failure = this.asMizanError(error, `channel ${reg.name}`)
        return this.send({ error: failure.message, channel: reg.name })
      }
      if (out === undefined || out === null) return
      const checked = await parseWith(message, out)
      if (!checked.ok) {
        report(new Error(`onMessage of channel '${reg.name}' returned a message that does not match its schema: ${checked.text}`), { fn: `channel ${reg.name}` })
        return this.send({ error: 'An internal error occurred', channel: reg.name })
      }
      await hub.publishFrame(sub.group, broadcastFrame(reg.name, params.value, type, checked.value))
    }

    private async watch(frame: Frame): Promise<void> {
      const name = frame['context']
      const ctxDef = typeof name === 'string' ? router.contexts.get(name) : undefined
      if (!ctxDef) return this.send({ error: `Unknown context: ${pyText(name)}` })
      const params = frame['params'] ?? {}
      if (!isRecord(params)) return this.send({ error: "'params' must be an object", context: ctxDef.name })
      const key = `${ctxDef.name}\u0000${canonicalJson(params)}`
      if (this.watches.has(key)) return this.send({ watching: true, context: ctxDef.name, params })
      if (this.subscriptionCount >= maxSubscriptions) {
        return this.send({ error: `Too many subscriptions (max ${maxSubscriptions})`, context: ctxDef.name, params })
      }
      // Whoever may not read the bundle may not hear about it either.
      try {
        const ctx = await this.context()
        for (const member of ctxDef.members) await enforceAuth(member.fn.options.auth, ctx)
      } catch (error) {
        const failure = error instanceof MizanError ? error : this.asMizanError(error, `watch ${ctxDef.name}`)
        return this.send({ error: failure.code === 'UNAUTHORIZED' ? failure.message : 'Not authorized', context: ctxDef.name })
      }
      if (this.closed) return
      this.watches.set(key, { context: ctxDef.name, params })
      const count = this.watchedContexts.get(ctxDef.name) ?? 0
      this.watchedContexts.set(ctxDef.name, count + 1)
      if (count === 0) await hub.watch(ctxDef.name, this)
      this.send({ watching: true, context: ctxDef.name, params })
    }

    private async unwatch(frame: Frame): Promise<void> {
      const name = typeof frame['context'] === 'string' ? frame['context'] : pyText(frame['context'])
      const params = frame['params'] ?? {}
      const key = `${name}\u0000${canonicalJson(params)}`
      if (this.watches.delete(key)) await this.dropWatchedContext(name)
      this.send({ unwatched: true, context: name, params })
    }

    private async dropWatchedContext(name: string): Promise<void> {
      const count = (this.watchedContexts.get(name) ?? 1) - 1
      if (count > 0) return void this.watchedContexts.set(name, count)
      this.watchedContexts.delete(name)
      await hub.unwatch(name, this)
    }

    /**
     * From the hub: entries of some mutation. Only entries this socket watches leave, and a
     * scoped entry only when its params are among the watched ones, so nobody learns the
     * params another user's mutation touched.
     */
    invalidate(entries: readonly InvalidateEntry[]): void {
      const out: InvalidateEntry[] = []
      for (const entry of entries) {
        if (typeof entry === 'string') {
          if (this.watchedContexts.has(entry)) out.push(entry)
          continue
        }
        if (!('context' in entry)) continue
        for (const watched of this.watches.values()) {
          if (watched.context === entry.context && paramsWithin(entry.params, watched.params)) {
            out.push(entry)
            break
          }
        }
      }
      if (out.length) this.send({ type: 'invalidate', invalidate: out } satisfies WsInvalidateFrame)
    }

    private async joinGroup(group: string): Promise<void> {
      const count = this.groups.get(group) ?? 0
      this.groups.set(group, count + 1)
      if (count === 0) await hub.join(group, this.onGroupFrame)
    }

    private async leaveGroup(group: string): Promise<void> {
      const count = (this.groups.get(group) ?? 1) - 1
      if (count > 0) return void this.groups.set(group, count)
      this.groups.delete(group)
      await hub.leave(group, this.onGroupFrame)
    }

    private cleanup(): void {
      this.closed = true
      this.abort.abort()
      const groups = [...this.groups.keys()]
      const contexts = [...this.watchedContexts.keys()]
      this.groups.clear()
      this.subs.clear()
      this.watches.clear()
      this.watchedContexts.clear()
      // After pending channel work, so a subscribe finishing late does not leave a dangling group.
      void this.serial.then(async () => {
        for (const group of [...groups, ...this.groups.keys()]) await hub.leave(group, this.onGroupFrame).catch((e: unknown) => report(e, { fn: path }))
        for (const name of [...contexts, ...this.watchedContexts.keys()]) await hub.unwatch(name, this).catch((e: unknown) => report(e, { fn: path }))
      })
    }
  }

  return {
    wss,
    hub,
    path,
    get size() {
      return sessions.size
    },
    publish: hub.publish.bind(hub) as ChannelHub['publish'],
    async close() {
      server.off('upgrade', upgradeListener)
      if (heartbeat) clearInterval(heartbeat)
      if (idleCheck) clearInterval(idleCheck)
      const closing = [...sessions].map(
        (session) =>
          new Promise<void>((resolve) => {
            const ws = session.ws
            if (ws.readyState === WebSocket.CLOSED) return resolve()
            const timer = setTimeout(() => ws.terminate(), 1000)
            ws.once('close', () => {
              clearTimeout(timer)
              resolve()
            })
            ws.close(1001, 'Server shutting down')
          }),
      )
      await Promise.all(closing)
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      if (!options.hub) await hub.close()
    },
  }
}
