/**
 * The WebSocket transport (docs/PROTOCOL.md §9): one socket multiplexes RPC (`rpc`), context
 * reads (`ctx`), and channel `subscribe`/`unsubscribe`/`message`, with the reference's frames.
 * Calls go through the same dispatcher core as HTTP (auth, validation, invalidate, merge,
 * cache purge, error envelopes). Beyond the protocol, opt-in: `watch`/`unwatch` a context and
 * receive `{"type":"invalidate","invalidate":[…]}` when a mutation anywhere invalidates it.
 *
 * This file is the entry: options, the upgrade and the server's lifetime. A socket's own
 * work is in ws/ (session.ts and the request, channel and watch handlers it routes frames to).
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { MizanError } from '../../shared/errors.ts'
import { DIALECTS, ROUTES, WS_SUBPROTOCOL } from '../../shared/protocol.ts'
import { trimTrailingSlashes } from '../../shared/trim-slashes.ts'
import { ChannelHub } from '../channels/hub.ts'
import type { MizanUser } from '../defineClient.ts'
import { safeReporter } from '../dispatch-core.ts'
import { safeFormatter } from '../format-error.ts'
import { createDispatcher, type DispatchOptions, type InvalidationEvent } from '../dispatch.ts'
import type { AnyServerRouter } from '../router.ts'
import type { WsEnv } from './ws/env.ts'
import { handshakeRequest, originAllowed, rejectUpgrade, type AllowedOrigins } from './ws/handshake.ts'
import { startHeartbeat } from './ws/heartbeat.ts'
import { Session } from './ws/session.ts'

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
  /** RPC and ctx requests in flight per socket (default 32). Mizan's client keeps at most 32 unanswered: keep this at 32 or more. */
  maxInFlight?: number
  /**
   * Frames in one batch, a JSON array of frames (PROTOCOL.md §15); a longer one is refused whole
   * (default 64). Mizan's client sends at most 32 a batch: keep this at 32 or more.
   */
  maxBatchFrames?: number
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
  allowedOrigins?: AllowedOrigins
  /**
   * Also read a token from `?token=` (default `false`: the client sends it as the subprotocol
   * `mizan.token.<token>`, and URLs end up in access logs). For clients that can only use the
   * URL, such as the Python reference's.
   */
  queryToken?: boolean
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
  const report = safeReporter(options.onError)
  const path = options.path ?? ROUTES.websocket
  const pathAlt = path.endsWith('/') ? path.slice(0, -1) : `${path}/`
  const maxFrameBytes = options.maxFrameBytes ?? 64 * 1024
  const hardMax = Math.max(options.hardMaxFrameBytes ?? maxFrameBytes * 4, maxFrameBytes)
  const env: WsEnv = {
    router,
    core: dispatcher.core,
    hub,
    report,
    formatError: safeFormatter(options.formatError, report, 'ws'),
    path,
    httpPrefix: trimTrailingSlashes(options.prefix ?? DIALECTS[options.dialect ?? 'mizan'].prefix),
    rpcMode: options.rpc ?? 'any',
    hidePrivate: options.privateFunctions === 'not-found',
    liveInvalidation: live,
    userScoped: (context) => router.contexts.get(context)?.scope === 'user',
    limits: {
      maxFrameBytes,
      maxJsonDepth: options.maxJsonDepth ?? 64,
      maxSubscriptions: options.maxSubscriptions ?? 100,
      maxInFlight: options.maxInFlight ?? 32,
      maxBatchFrames: options.maxBatchFrames ?? 64,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      idleTimeoutMs: options.idleTimeoutMs ?? 0,
    },
  }
  // Select `mizan` when offered: a browser that offered subprotocols fails a handshake that picks
  // none, and the token protocol (`mizan.token.…`) must never be echoed back.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: hardMax,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  })
  const sessions = new Set<Session>()

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== path && url.pathname !== pathAlt) {
      // Another upgrade handler may own this path; with none, answer instead of leaving the socket hanging.
      if (server.listenerCount('upgrade') <= 1) rejectUpgrade(socket, 404, env.formatError(new MizanError('NOT_FOUND', 'Not found')))
      return
    }
    socket.on('error', () => socket.destroy())
    if (!originAllowed(req, options.allowedOrigins)) return rejectUpgrade(socket, 403, env.formatError(new MizanError('FORBIDDEN', 'Origin not allowed')))
    const abort = new AbortController()
    const request = handshakeRequest(req, url, abort.signal, options.queryToken ?? false)
    try {
      // Auth at the handshake: a presented token that does not verify refuses the socket (401), never "anonymous".
      await env.core.requestContext(request)
    } catch (error) {
      if (error instanceof MizanError) return rejectUpgrade(socket, error.status || 401, env.formatError(error))
      report(error, { fn: path })
      return rejectUpgrade(socket, 500, env.formatError(new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: error })))
    }
    if (socket.destroyed) return
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new Session(env, ws, request, abort, socket)
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
  const stopHeartbeat = startHeartbeat(sessions, options.heartbeatMs ?? 30_000, env.limits.idleTimeoutMs)

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
      stopHeartbeat()
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
