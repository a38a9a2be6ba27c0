/**
 * Wire types and constants of the Mizan protocol, shared by server and client.
 * Facts come from the Python reference (django-izana 1.1.0 / izana-core 0.3.0);
 * docs/PROTOCOL.md is the prose version. No runtime dependencies.
 */

/** Error codes the reference backend emits, with the HTTP status each travels with. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_ERROR: 422,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/** Codes a client can see: the server's own, plus `HTTP_<status>` for non-protocol failures. */
export type ClientErrorCode = ErrorCode | ExtensionErrorCode | `HTTP_${number}` | 'NETWORK_ERROR' | 'ABORTED' | 'INVALID_RESPONSE'

/**
 * Mizan-TS's own codes beyond the reference's: `RATE_LIMITED` (429, from `rateLimit`) carries
 * `details.retryAfter` in seconds, and `Retry-After` over HTTP. (Not in `ERROR_STATUS`, so the
 * client bundle does not carry it: the server always sends the status.)
 */
export type ExtensionErrorCode = 'RATE_LIMITED'

export const METHOD_NOT_ALLOWED_STATUS = 405

/** Validation failures carry per-field messages keyed by dotted path. */
export interface ValidationDetails {
  fields: Record<string, string[]>
}

/** The Django-style flat envelope, which is what our server emits. */
export interface FlatErrorEnvelope {
  error: true
  code: string
  message: string
  details?: Record<string, unknown>
}

/** The FastAPI-style nested envelope; clients must read it too. */
export interface NestedErrorEnvelope {
  error: { code: string; message: string; details?: Record<string, unknown> }
}

export type ErrorEnvelope = FlatErrorEnvelope | NestedErrorEnvelope

/** Params as they travel in an invalidate or merge entry: the mutation's own argument values. */
export type WireParams = Record<string, unknown>

/**
 * An invalidation target. A bare string names a whole context; the object form scopes it to
 * the params the mutation shared with the context's members. `function` is a Mizan-TS
 * extension for plain functions used as queries; Python peers never send it.
 */
export type InvalidateEntry =
  | string
  | { context: string; params: WireParams }
  | { function: string; params?: WireParams }

export interface MergeEntry {
  context: string
  /** Wire name of the context member whose cached value is replaced or upserted. */
  slot: string
  value: unknown
  params?: WireParams
}

export interface CallRequestBody {
  fn: string
  args?: Record<string, unknown> | null
}

export interface CallSuccessBody<TResult = unknown> {
  result: TResult
  invalidate?: InvalidateEntry[]
  merge?: MergeEntry[]
  /** superjson metadata, present only when the client asked for it. */
  meta?: unknown
}

/** A context bundle: member wire name → that member's result. */
export type ContextBundleBody = Record<string, unknown>

export interface SessionBody {
  csrfToken: string
}

/** Everything that is spelled differently between the Mizan and the Izana releases. */
export interface DialectSpelling {
  prefix: string
  invalidateHeader: string
  tokenHeader: string
  cacheHeader: string
  ssrGlobal: string
  mwtAudience: string
  settingsPrefix: string
}

export const DIALECTS = {
  mizan: {
    prefix: '/api/mizan',
    invalidateHeader: 'X-Mizan-Invalidate',
    tokenHeader: 'X-Mizan-Token',
    cacheHeader: 'X-Mizan-Cache',
    ssrGlobal: '__MIZAN_SSR_DATA__',
    mwtAudience: 'mizan',
    settingsPrefix: 'MIZAN_',
  },
  izana: {
    prefix: '/api/izana',
    invalidateHeader: 'X-Izana-Invalidate',
    tokenHeader: 'X-Izana-Token',
    cacheHeader: 'X-Izana-Cache',
    ssrGlobal: '__IZANA_SSR_DATA__',
    mwtAudience: 'izana',
    settingsPrefix: 'IZANA_',
  },
} as const satisfies Record<string, DialectSpelling>

export type Dialect = keyof typeof DIALECTS

export const CSRF_COOKIE = 'csrftoken'
export const CSRF_HEADER = 'X-CSRFToken'

/**
 * Mizan-TS extension: a random id each client sends with its calls (and as `?client=` on its
 * socket), so live invalidation can skip the client that made the change — it already applied
 * its own response.
 */
export const CLIENT_ID_HEADER = 'X-Mizan-Client'

export function isClientId(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(value)
}

/** Mizan-TS extension: a client that sends this header gets superjson metadata in `meta`. */
export const SUPERJSON_HEADER = 'X-Mizan-Superjson'

/** The routes under the mount, one constant each too, so a client bundles only those it uses. */
export const CALL_ROUTE = '/call/'
export const SESSION_ROUTE = '/session/'
export const CONTEXT_ROUTE_PREFIX = '/ctx/'
export const WEBSOCKET_ROUTE = '/ws/'

export const ROUTES = {
  call: CALL_ROUTE,
  session: SESSION_ROUTE,
  contextPrefix: CONTEXT_ROUTE_PREFIX,
  websocket: WEBSOCKET_ROUTE,
} as const

export const GLOBAL_CONTEXT = 'global'

/**
 * WebSocket frames (docs/PROTOCOL.md §9): JSON text on one socket at `/ws/`. Requests carry an
 * `id` the reply echoes; channel frames are answered in order, and errors about them are
 * `{"error": "<text>", "channel"?, "params"?}`.
 */
export type WsRequestFrame =
  | { action: 'rpc'; id: string | number; fn: string; args?: Record<string, unknown> | null; meta?: unknown; superjson?: boolean }
  | { action: 'ctx'; id: string | number; context: string; params?: WireParams; superjson?: boolean }
  | { action: 'subscribe' | 'unsubscribe'; channel: string; params?: WireParams }
  | { action: 'message'; channel: string; params?: WireParams; data: unknown }
  /** Mizan-TS extension (opt-in `liveInvalidation`): tell me when this context bundle is invalidated. */
  | { action: 'watch' | 'unwatch'; context: string; params?: WireParams }

export type WsReplyFrame =
  | { id: string | number; ok: true; data: unknown; meta?: unknown }
  | { id: string | number; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } }

/** A channel broadcast; `type` is the message class name (`ServerMessage` by default). */
export interface WsChannelFrame<TData = unknown> {
  channel: string
  params: WireParams
  type: string
  data: TData
}

/**
 * Mizan-TS extension: pushed to sockets that `watch` a context when a mutation anywhere
 * invalidates it. Scoped entries are sent only to watchers of those very params; merges arrive
 * as invalidations (the merged value is the mutating user's, not the watcher's).
 */
export interface WsInvalidateFrame {
  type: 'invalidate'
  invalidate: InvalidateEntry[]
}

export function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false
  const error = (body as { error: unknown }).error
  return error === true || (typeof error === 'object' && error !== null && 'code' in error)
}

/**
 * The WebSocket subprotocol a Mizan client offers, and the prefix of the one that carries its
 * token (`mizan.token.<token>`): a browser cannot set handshake headers, and a token in the URL
 * ends up in access logs. The server selects `mizan` and never echoes the token.
 */
export const WS_SUBPROTOCOL = 'mizan'
export const WS_TOKEN_PROTOCOL_PREFIX = 'mizan.token.'
