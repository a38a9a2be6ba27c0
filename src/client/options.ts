import type { Dialect, InvalidateEntry } from '../shared/protocol.ts'
import type { AnyRouter, CallableKeys, ContextNames, HasWireNameOverrides, WireNameOverrides } from '../shared/types.ts'
import type { WebSocketClientOptions } from './ws/socket-options.ts'
import type { JsonCodec } from './json.ts'

/** The subset of `fetch` the kernel uses; any `fetch` (undici, browser, a test double) fits. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** Static headers, or a function evaluated before every request (e.g. to attach a fresh token). */
export type HeadersOption = HeadersInit | (() => HeadersInit | Promise<HeadersInit>)

export interface CsrfOptions {
  /** Cookie holding the CSRF secret; Django's default. */
  cookieName?: string
  /** Header the token is echoed in; Django's default. */
  headerName?: string
  /** GET `{baseUrl}/session/` once before the first POST when no CSRF cookie is known (default `true`). */
  bootstrap?: boolean
}

/**
 * Rich types (Date, Map, …) over JSON, plugged in so that plain-JSON bundles do not carry the
 * glue: `transformer: superjsonTransformer(superjson)` from `mizan-ts/client/superjson`.
 */
export interface MizanTransformer {
  /** Sent with every call and context read: asks the server for metadata. */
  readonly headers: HeadersInit
  /** Call arguments as they travel: `{ args, meta? }`. */
  encode(args: unknown): { args: unknown; meta?: unknown }
  /**
   * A received value back to rich types, with the metadata of its body or socket frame, or
   * else of `response` (a context read's `X-Mizan-Superjson-Meta` header). Unreadable
   * metadata is an `INVALID_RESPONSE` error.
   */
  decode(json: unknown, meta: unknown, response?: Response): unknown
}

export interface RetryOptions {
  /** Extra attempts for context reads after a network error or a 5xx (default 2). */
  context?: number
  /** First backoff delay; doubles per attempt, with jitter (default 200). */
  baseDelayMs?: number
}

/** Everything but the router-dependent `wireNames`. */
export interface BaseClientOptions {
  /** Mount of the backend (default: the dialect's prefix, `/api/mizan` or `/api/izana`). */
  baseUrl?: string
  /** `'mizan'` (default) or `'izana'` for the published Python packages. */
  dialect?: Dialect
  fetch?: FetchLike
  headers?: HeadersOption
  credentials?: RequestCredentials
  csrf?: false | CsrfOptions
  /** Opt-in rich types (Date, Map, …) over JSON (`mizan-ts/client/superjson`); the server must speak superjson too. */
  transformer?: MizanTransformer
  /**
   * Integers beyond 2^53 kept exact as `bigint`s, both ways: `exactJson` from
   * `mizan-ts/client/exact-json` (opt-in). Without it such an answer or argument is refused with
   * a clear error, never rounded.
   */
  json?: JsonCodec
  retry?: RetryOptions
  /**
   * Read a call's `X-…-Invalidate` header when its body has no `invalidate` entries (a peer that
   * only sends the header): pass `parseInvalidateHeader` from `mizan-ts/shared`. Off by default,
   * since Mizan and Izana servers put the entries in the body whenever they send the header.
   */
  invalidateHeader?: (header: string) => InvalidateEntry[]
  /**
   * Which requests travel over the WebSocket: `'http'` (default), `'websocket'` (every call and
   * context read), or `{ websocket: [...] }` naming the functions and contexts that do (e.g. the
   * router's `websocket: true` functions, which the client cannot see at runtime). Anything but
   * `'http'` needs the socket transport plugged in: `websocket: { connect: webSocketTransport }`
   * from `mizan-ts/client/ws`.
   */
  transport?: TransportOption<string>
  /**
   * The socket: the transport that makes it (`connect`, opt-in), its URL, WebSocket class, token
   * and reconnect policy. Used by routed calls, channels and live invalidation.
   */
  websocket?: WebSocketClientOptions
}

export type TransportOption<TKey extends string> = 'http' | 'websocket' | { websocket: readonly TKey[] }

/** `transport`, with the `{ websocket: [...] }` list checked against the router's functions and contexts. */
export interface TypedTransportOption<R extends AnyRouter> {
  // Written out rather than TransportOption<TransportKeys<R>>: an alias's arguments are computed
  // when the options type is, a member of an object type only when a caller passes the list.
  transport?: 'http' | 'websocket' | { websocket: readonly TransportKeys<R>[] }
}

/** Function keys and context names; any string for a router known only as `AnyRouter`. */
type TransportKeys<R extends AnyRouter> = [CallableKeys<R> | ContextNames<R>] extends [never] ? string : CallableKeys<R> | ContextNames<R>

/**
 * The router's wire-name overrides cannot be known from types at runtime, so the client must
 * be told them; the option is required exactly when the router has any.
 */
export type WireNamesOption<R extends AnyRouter> = HasWireNameOverrides<R> extends false
  ? { wireNames?: WireNameOverrides<R> }
  : { wireNames: WireNameOverrides<R> }

export type MizanClientOptions<R extends AnyRouter> = BaseClientOptions & WireNamesOption<R> & TypedTransportOption<R>

/** A parameter list whose options argument may be omitted when nothing in it is required. */
export type OptionsArgs<T> = {} extends T ? [options?: T] : [options: T]
