/**
 * Identity from Auth.js (`@auth/core`, the core of next-auth v5): the session is asked of
 * Auth.js itself (its `/session` action, so the app's `session` callback, JWT or database
 * strategy, runs as it does for its own pages). The session cookie is read, or the same token
 * given as `Authorization: Bearer` for clients without cookies.
 */
import { Auth, skipCSRFCheck, type AuthConfig } from '@auth/core'
import type { Session } from '@auth/core/types'
import { MizanError } from '../../shared/errors.ts'
import { createDefineClient, type MizanUser } from '../defineClient.ts'
import type { MizanRequest, UserResolver } from '../dispatch-types.ts'
import { roleFlags, type RoleMapping } from './roles.ts'
import { trimTrailingSlashes } from '../../shared/trim-slashes.ts'
import { markTokenAuthenticated } from '../token-authenticated.ts'

/** The Mizan user: Auth.js's session user (extend it by augmenting `@auth/core/types`), its id, and the two flags `auth` gates read. */
export type AuthjsUser = NonNullable<Session['user']> & { id: string } & Required<Omit<MizanUser, 'id'>>

export interface AuthjsIdentityOptions extends RoleMapping {
  /**
   * Where the app mounts Auth.js's routes.
   * @default config.basePath, else '/auth'
   */
  basePath?: string
}

function basePathOf(config: AuthConfig, options: AuthjsIdentityOptions): string {
  return trimTrailingSlashes(options.basePath ?? config.basePath ?? '/auth')
}

/** Auth.js names its session cookie `__Secure-…` on HTTPS. */
function sessionCookieName(url: URL): string {
  return url.protocol === 'https:' ? '__Secure-authjs.session-token' : 'authjs.session-token'
}

/** The request Auth.js gets: the caller's cookies, or a Bearer token put where Auth.js reads its session token. */
function authjsHeaders(req: MizanRequest): Headers {
  const headers = new Headers()
  const cookie = req.headers.get('cookie')
  const authorization = req.headers.get('authorization') ?? ''
  if (authorization.startsWith('Bearer ')) {
    headers.set('cookie', `${sessionCookieName(req.url)}=${encodeURIComponent(authorization.slice(7).trim())}`)
  } else if (cookie) headers.set('cookie', cookie)
  return headers
}

/**
 * A `resolveUser` reading the Auth.js session: over HTTP and at a WebSocket's handshake alike.
 * No session is an anonymous caller (`auth: true` → 401). The session's user must carry an
 * `id`: with the JWT strategy, copy it in the `session` callback (`session.user.id = token.sub`).
 *
 * @example
 * ```ts
 * const authConfig = { providers: [Credentials({...})], secret, trustHost: true, basePath: '/auth',
 *   callbacks: { session: ({ session, token }) => ({ ...session, user: { ...session.user, id: token.sub!, role: token.role } }) } }
 * createNodeHandler(router, { resolveUser: authjsUser(authConfig, { staffRoles: ['admin'] }) })
 * ```
 * @see https://authjs.dev/getting-started/session-management/get-session
 */
export function authjsUser(config: AuthConfig, options: AuthjsIdentityOptions = {}): UserResolver<AuthjsUser> {
  const basePath = basePathOf(config, options)
  const sessionConfig: AuthConfig = { ...config, basePath }
  return async (req) => {
    const headers = authjsHeaders(req)
    if (!headers.has('cookie')) return null
    const response = await Auth(new Request(new URL(`${basePath}/session`, req.url.origin), { headers }), sessionConfig)
    const session = (await response.json()) as Session | null
    const user = session?.user
    const bearer = (req.headers.get('authorization') ?? '').startsWith('Bearer ')
    // As the identity chain: a presented token that does not verify is a 401, never anonymous.
    if (!user && bearer) throw new MizanError('UNAUTHORIZED', 'Invalid or expired session token')
    if (!user) return null
    const id = (user as { id?: unknown }).id
    if (typeof id !== 'string' || id === '') {
      throw new MizanError('INTERNAL_ERROR', 'The Auth.js session has no user id: set session.user.id in the session callback')
    }
    // The Bearer token replaced the cookies above: this user came from the token alone.
    if (bearer) markTokenAuthenticated(req)
    return { ...user, id, ...roleFlags((user as { role?: unknown }).role, options) }
  }
}

/**
 * A handler for a sign-out server function: runs Auth.js's sign-out for the caller and forwards
 * its cookie-clearing `Set-Cookie` headers. Auth.js's own CSRF check is skipped for this inner
 * request only: the Mizan call it runs in has passed Mizan's CSRF check already.
 *
 * @example
 * ```ts
 * signOut: defineClient({ affects: 'global' }, authjsSignOut(authConfig))
 * ```
 */
export function authjsSignOut(config: AuthConfig, options: AuthjsIdentityOptions = {}) {
  const basePath = basePathOf(config, options)
  const signOutConfig: AuthConfig = { ...config, basePath, skipCSRFCheck }
  return async (_input: unknown, ctx: { headers: Headers; responseHeaders: Headers; raw: unknown }): Promise<{ signedOut: boolean }> => {
    const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', 'x-auth-return-redirect': '1' })
    const cookie = ctx.headers.get('cookie')
    if (cookie) headers.set('cookie', cookie)
    const origin = `http://${ctx.headers.get('host') ?? 'localhost'}`
    const response = await Auth(new Request(new URL(`${basePath}/signout`, origin), { method: 'POST', headers, body: '' }), signOutConfig)
    for (const set of response.headers.getSetCookie()) ctx.responseHeaders.append('Set-Cookie', set)
    return { signedOut: response.status < 400 }
  }
}

/** `defineClient({ affects: 'global' }, authjsSignOut(config))`, ready to put in a router as `signOut`. */
export function authjsSignOutFunction(config: AuthConfig, options: AuthjsIdentityOptions = {}) {
  return createDefineClient<MizanUser>()({ affects: 'global' }, authjsSignOut(config, options))
}
