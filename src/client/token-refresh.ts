/** `mizan-ts/client/token-refresh`: keeps an MWT fresh for a kernel (opt-in, its own entry). */
import { DIALECTS, type Dialect } from '../shared/protocol.ts'
import type { FetchLike, HeadersOption } from './options.ts'

/** What the issuing function answers (`mwt_obtain` → `{token, expires_in}`), `expires_in` in seconds. */
export interface TokenGrant {
  token: string
  expires_in: number
}

export interface TokenManagerOptions {
  /**
   * Get a fresh token, e.g. `async () => (await sessionClient.call('mwtObtain')).result`. It must
   * authenticate some other way than the managed token (a session cookie, a refresh token), or
   * an expired token could never be replaced.
   */
  obtain: () => Promise<TokenGrant>
  /** Picks the token header: `X-Mizan-Token` (default) or `X-Izana-Token`. */
  dialect?: Dialect
  /** Explicit token header name, over the dialect's. */
  headerName?: string
  /**
   * Refresh this many seconds before the token expires (default 30). A lifetime shorter than
   * twice the margin is refreshed at half-life instead. The server floors `iat` to the second,
   * so keep it above 1.
   */
  marginSeconds?: number
  /** The clock in milliseconds (default `Date.now`); injectable for tests. */
  now?: () => number
  /** The `fetch` the retrying wrapper sends with (default `globalThis.fetch`). */
  fetch?: FetchLike
  /** Other headers to send with every request, merged under the token header. */
  headers?: HeadersOption
  /**
   * Whether a response means "the token was refused, get another one". Default: HTTP 401 to a
   * request that carried the token (`Invalid or expired MWT`, or a stale permission key).
   */
  isRejected?: (response: Response) => boolean
}

export interface TokenManager {
  readonly headerName: string
  /** A token that is fresh by the clock, obtaining or refreshing it first if needed (single-flight). */
  token(): Promise<string>
  /** Get a new token now, sharing a refresh already in flight. */
  refresh(): Promise<string>
  /** The kernel's `headers` option: the other headers plus the current token. */
  headers(): Promise<Headers>
  /** The kernel's `fetch` option: resends a request once, with a fresh token, after a rejection. */
  fetch: FetchLike
  /** `{ headers, fetch }`, to spread into `createMizanClient({...})` or `<MizanContext client>`. */
  clientOptions(): { headers: () => Promise<Headers>; fetch: FetchLike }
  /** Forget the token (logout); the next request obtains a new one. */
  clear(): void
  /** Obtains started so far (each refresh is one), and requests resent after a rejection. */
  readonly stats: { obtains: number; retries: number }
}

interface Held {
  token: string
  /** Clock time after which the token is refreshed before use. */
  refreshAt: number
}

const DEFAULT_MARGIN_SECONDS = 30

/**
 * Keeps an MWT fresh for a Mizan client:
 *
 * ```ts
 * const session = createMizanClient<AppRouter>({ dialect: 'izana' })            // cookie-authenticated
 * const tokens = createTokenManager({ dialect: 'izana', obtain: async () => (await session.call('mwtObtain')).result })
 * const api = createMizanClient<AppRouter>({ dialect: 'izana', ...tokens.clientOptions() })
 * ```
 *
 * The token is refreshed `marginSeconds` before it expires, by the first request that needs it;
 * every request arriving meanwhile waits for that one `obtain` rather than starting its own, so
 * a burst of calls across an expiry costs one refresh and no failures. If the server refuses a
 * token anyway (clock skew, key rotation, revoked permissions) the request is sent once more
 * with a fresh token; concurrent refusals of the same token share that refresh too. Requests are
 * only resent after a 401, which the server answers before running anything.
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const headerName = options.headerName ?? DIALECTS[options.dialect ?? 'mizan'].tokenHeader
  const marginMs = (options.marginSeconds ?? DEFAULT_MARGIN_SECONDS) * 1000
  const now = options.now ?? (() => Date.now())
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const isRejected = options.isRejected ?? ((response: Response) => response.status === 401)
  const stats = { obtains: 0, retries: 0 }

  let held: Held | undefined
  let inflight: Promise<string> | undefined
  // Bumped by clear(): a refresh that was in flight at logout must not resurrect the token.
  let generation = 0

  function refresh(): Promise<string> {
    if (inflight) return inflight
    const startedAt = now()
    const started = generation
    stats.obtains++
    const attempt = (async () => {
      const grant = await options.obtain()
      if (typeof grant?.token !== 'string' || !grant.token || typeof grant.expires_in !== 'number') {
        throw new TypeError('Token manager: obtain() must resolve to { token: string, expires_in: number }')
      }
      // Measured from when the request left: the server's `iat` can only be later, so the
      // token is valid at least until startedAt + lifetime.
      const lifetimeMs = grant.expires_in * 1000
      const refreshIn = lifetimeMs > 2 * marginMs ? lifetimeMs - marginMs : lifetimeMs / 2
      if (started === generation) held = { token: grant.token, refreshAt: startedAt + refreshIn }
      return grant.token
    })()
    inflight = attempt
    // A failed obtain is not remembered: the callers waiting on it fail, and the next request tries again.
    const settle = () => {
      if (inflight === attempt) inflight = undefined
    }
    attempt.then(settle, settle)
    return attempt
  }

  async function token(): Promise<string> {
    if (held && now() < held.refreshAt) return held.token
    return refresh()
  }

  /** After `rejected` was refused: a newer token if someone already got one, else one refresh. */
  async function replacing(rejected: string): Promise<string> {
    if (inflight) return inflight
    if (held && held.token !== rejected && now() < held.refreshAt) return held.token
    return refresh()
  }

  async function headers(): Promise<Headers> {
    const extra = typeof options.headers === 'function' ? await options.headers() : options.headers
    const out = new Headers(extra)
    out.set(headerName, await token())
    return out
  }

  const fetch: FetchLike = async (input, init) => {
    const response = await baseFetch(input, init)
    const sent = new Headers(init.headers).get(headerName)
    if (sent === null || !isRejected(response)) return response
    let fresh: string
    try {
      fresh = await replacing(sent)
    } catch {
      // No new token to be had: the server's own refusal is the better explanation.
      return response
    }
    // The refusal is settled; its body is not needed.
    await response.body?.cancel().catch(() => {})
    const retryHeaders = new Headers(init.headers)
    retryHeaders.set(headerName, fresh)
    stats.retries++
    return baseFetch(input, { ...init, headers: retryHeaders })
  }

  return {
    headerName,
    token,
    refresh,
    headers,
    fetch,
    clientOptions: () => ({ headers, fetch }),
    clear() {
      held = undefined
      inflight = undefined
      generation++
    },
    stats,
  }
}
