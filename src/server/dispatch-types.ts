/**
 * What every transport of the dispatcher shares: the request an adapter produces, the options
 * the HTTP handlers and the WebSocket adapter both take, and the event live invalidation hears.
 */
import type { Dialect, InvalidateEntry, MergeEntry } from '../shared/protocol.ts'
import type { CacheOption } from './cache/cache-settings.ts'
import type { MizanUser } from './defineClient.ts'
import type { Coercion, ErrorReporter } from './execute.ts'
import type { ErrorFormatter } from './format-error.ts'

/** The runtime-neutral request every adapter produces. */
export interface MizanRequest {
  method: string
  url: URL
  headers: Headers
  /** Reads the body as text; adapters enforce the size limit and throw `BodyTooLargeError`. */
  readBody(): Promise<string>
  /** The body as bytes, for multipart form posts; absent where a transport has no raw body. */
  readBytes?(): Promise<Uint8Array>
  /**
   * The body as it arrives, for uploads (no size limit of its own: the multipart reader counts),
   * or `undefined` when it was read already. Leaving it early must not destroy the connection:
   * the answer (a 413) still has to reach the client.
   */
  bodyStream?(): AsyncIterable<Uint8Array> | undefined
  raw: unknown
  signal: AbortSignal
}

export type UserResolver<TUser extends MizanUser = MizanUser> = (req: MizanRequest) => TUser | null | Promise<TUser | null>

export interface DispatchOptions<TUser extends MizanUser = MizanUser> {
  /** Spelling of prefix and headers: `'mizan'` (default) or `'izana'` for the published Python packages. */
  dialect?: Dialect
  /** Mount path; defaults to the dialect's (`/api/mizan`). */
  prefix?: string
  /** Who is calling. Throw a `MizanError('UNAUTHORIZED')` for a bad token: it is never retried as anonymous. */
  resolveUser?: UserResolver<TUser>
  /** `'always'` (default, as Django): every POST needs the CSRF header; `'cookie'`: only requests that carry cookies; `false`: off. */
  csrf?: 'always' | 'cookie' | false
  /**
   * Origins besides the request's own host that may send unsafe requests, as Django's
   * CSRF_TRUSTED_ORIGINS: `'https://app.example.com'`, or `'https://*.example.com'` for every
   * subdomain. Behind a TLS-terminating proxy, list the public origin here.
   */
  trustedOrigins?: readonly string[]
  /** Name missing functions in NOT_FOUND messages. */
  debug?: boolean
  /**
   * How a call to a `private: true` function is answered: `'forbidden'` (default, as the
   * reference: 403 "not client-callable") or `'not-found'`, the same answer as an unknown name,
   * so that private names cannot be enumerated.
   */
  privateFunctions?: 'forbidden' | 'not-found'
  /** How JSON args meet the schema: `'lax'` (default, as the reference) or `'strict'`. See `Coercion`. */
  coercion?: Coercion
  /**
   * Origin cache of context bundles (`MemoryCache`, or `RedisCache` from mizan-ts/cache/redis); see docs/CACHE.md.
   * Without it, the environment decides as the Python backends do: `MIZAN_CACHE_SECRET` and
   * `MIZAN_CACHE_REDIS_URL` both set → a Redis cache. A `secret` left out is read from
   * `MIZAN_CACHE_SECRET`. `false`: no cache, whatever the environment says.
   */
  cache?: CacheOption
  /** Longest a server function may run before answering 504 (default 30 s; a function's `timeout` wins). */
  timeoutMs?: number
  /** Deepest accepted JSON nesting of a request body (default 64). */
  maxJsonDepth?: number
  /** Longest accepted query string, in bytes (default 8 KiB). */
  maxQueryBytes?: number
  /** Largest accepted request body, in bytes (default 1 MiB); for a multipart post, its text fields together. */
  maxBodyBytes?: number
  /** Largest multipart upload: all its file parts together, in bytes (default 20 MiB); past it, 413. */
  maxUploadBytes?: number
  /** Largest single file part, in bytes (default `maxUploadBytes`); past it, 413. */
  maxFileBytes?: number
  /** Serve `POST {prefix}/batch/` and advertise it (default `true`; PROTOCOL.md §16). */
  batch?: boolean
  /** Most items one `POST {prefix}/batch/` may carry (default 100). */
  maxBatchItems?: number
  /** A streamed result sends a comment after this long without an item, for buffering proxies (default 15 s). */
  streamHeartbeatMs?: number
  onError?: ErrorReporter
  /** What a client sees of a failure, last (see format-error.ts): by default, internals never leave. */
  formatError?: ErrorFormatter
  /**
   * Told after every successful call that invalidates or merges (over HTTP or WebSocket), e.g.
   * `hub.invalidated` from `createChannelHub` for live invalidation. Not awaited; failures are reported.
   */
  onInvalidate?: (event: InvalidationEvent) => void | Promise<void>
}

/** What a successful mutation changed, for live invalidation. */
export interface InvalidationEvent {
  /** Wire name of the function that ran. */
  fn: string
  invalidate: InvalidateEntry[]
  merge: MergeEntry[]
  user: MizanUser | null
  /** The client id of the caller (`X-Mizan-Client`), whose own socket is not told again. */
  origin?: string
}
