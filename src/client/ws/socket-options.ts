/** How the socket is made: the WebSocket class it takes, its URL with the token, and the handshake headers. */
import { socketError } from '../errors.ts'
import { WEBSOCKET_ROUTE, WS_SUBPROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../../shared/protocol.ts'
import type { CookieStore } from '../cookies.ts'
import type { JsonCodec } from '../json.ts'
import type { HeadersOption } from '../options.ts'
import { addCookie, mergeHeaders } from '../transport.ts'
import type { SocketConnector } from '../types.ts'

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
  /**
   * The socket transport, plugged in by the app so that HTTP-only bundles do not carry it:
   * `import { webSocketTransport } from 'mizan-ts/client/ws'`. The React `channels` and `live`
   * plug-ins supply it themselves.
   */
  connect?: SocketConnector
  /** Socket URL; default `ws(s)://<host of baseUrl or of the page>/ws/`, where the reference mounts it. */
  url?: string
  /** Default `globalThis.WebSocket`; in Node < 22 pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor
  /**
   * Authenticates the socket; a function is asked before every (re)connect. Sent as the
   * subprotocol `mizan.token.<token>` (browsers cannot set handshake headers, and a URL ends up
   * in access logs), or as `?token=` with `tokenIn: 'query'`, for servers that read only that
   * (the Python reference; a Mizan server needs its `queryToken` option).
   */
  token?: string | null | (() => string | null | undefined | Promise<string | null | undefined>)
  /** Where the token goes: `'protocol'` (default) or `'query'`. */
  tokenIn?: 'protocol' | 'query'
  /** Handshake headers, where the WebSocket class accepts them (Node's `ws`); the client's `headers` and cookies are added. */
  headers?: HeadersOption
  /** Reconnect with exponential backoff and jitter (default on: 250 ms doubling to 10 s). `false` stays closed. */
  reconnect?: false | { baseDelayMs?: number; maxDelayMs?: number }
  /**
   * Send the frames written in one turn of the event loop as one batch, a JSON array, and read
   * batched replies (PROTOCOL.md §15): one frame each way for a burst of calls. For Mizan for
   * TypeScript servers: a Python server closes the socket on a batch (1011), after which this
   * client fails the calls of that batch, saying so, and stops batching. Default `false`.
   */
  batch?: boolean
  /** How long a request waits for a socket before it fails with NETWORK_ERROR (default 10 s). */
  connectTimeoutMs?: number
}

export interface WsConnectionOptions extends WebSocketClientOptions {
  /** The client's `baseUrl`, to derive the socket URL from. */
  baseUrl: string
  /** The client's id, sent as `?client=` so live invalidation skips this client's own changes. */
  clientId?: string
  /** The client's own headers and cookie jar, for the handshake where headers can be set. */
  clientHeaders?: HeadersOption
  cookies?: CookieStore
  /** The client's exact-json codec (`json` option), if it has one; frames are plain JSON otherwise. */
  json?: JsonCodec
}

function defaultUrl(baseUrl: string): string {
  const location = (globalThis as { location?: { href: string } }).location
  let base: URL
  try {
    base = new URL(baseUrl, location?.href)
  } catch {
    throw socketError(`Mizan: cannot derive a WebSocket URL from baseUrl '${baseUrl}'; set websocket.url`)
  }
  return `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${WEBSOCKET_ROUTE}`
}

/** The URL and subprotocols of the next socket; asked again before every (re)connect, so a token function can hand out a fresh token. */
export async function socketTarget(options: WsConnectionOptions): Promise<{ url: string; protocols: string[] | undefined }> {
  const url = new URL(options.url ?? defaultUrl(options.baseUrl))
  const token = typeof options.token === 'function' ? await options.token() : options.token
  let protocols: string[] | undefined
  if (token && options.tokenIn === 'query') url.searchParams.set('token', token)
  else if (token) protocols = [WS_SUBPROTOCOL, WS_TOKEN_PROTOCOL_PREFIX + token]
  if (options.clientId) url.searchParams.set('client', options.clientId)
  return { url: url.toString(), protocols }
}

export async function handshakeHeaders(options: WsConnectionOptions): Promise<Record<string, string> | undefined> {
  const headers = await mergeHeaders(options.clientHeaders, await resolveHeaders(options.headers))
  addCookie(headers, options.cookies?.header())
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name] = value
  })
  return Object.keys(out).length ? out : undefined
}

async function resolveHeaders(option: HeadersOption | undefined): Promise<HeadersInit | undefined> {
  return typeof option === 'function' ? option() : option
}
