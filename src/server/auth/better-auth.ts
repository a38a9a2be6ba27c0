/**
 * Identity from Better Auth: its session cookie (or, with its `bearer()` plugin, the session
 * token as `Authorization: Bearer`) becomes the Mizan user, with `auth: 'staff'` and
 * `'superuser'` mapped to Better Auth roles (its `admin()` plugin's `role` field).
 *
 * Nothing here imports `better-auth`: the instance is the app's, and only the two API calls
 * below are used, so any version that has them works.
 */
import { createDefineClient, type MizanUser } from '../defineClient.ts'
import type { UserResolver } from '../dispatch-types.ts'
import { roleFlags, type RoleMapping } from './roles.ts'
import { MizanError } from '../../shared/errors.ts'
import { markTokenAuthenticated } from '../token-authenticated.ts'

/** The part of a Better Auth instance (`betterAuth({...})`) this adapter calls. */
export interface BetterAuthInstance {
  api: {
    getSession(context: { headers: Headers }): Promise<{ user: { id: string }; session: object } | null>
    signOut(context: { headers: Headers; asResponse: true }): Promise<Response>
  }
}

/** The session Better Auth answers for this instance, with its plugins' fields. */
export type BetterAuthSession<TAuth extends BetterAuthInstance> = NonNullable<Awaited<ReturnType<TAuth['api']['getSession']>>>

/** The Mizan user: Better Auth's user (its own fields and the plugins'), plus the two flags `auth` gates read. */
export type BetterAuthUser<TAuth extends BetterAuthInstance> = BetterAuthSession<TAuth>['user'] & Required<Omit<MizanUser, 'id'>>

/** @see {@link RoleMapping} */
export type BetterAuthIdentityOptions = RoleMapping

/**
 * A `resolveUser` reading Better Auth's session from the request: over HTTP and at a
 * WebSocket's handshake alike. No session (or a revoked one) is an anonymous caller, so
 * `auth: true` functions answer 401.
 *
 * @example
 * ```ts
 * const auth = betterAuth({ database, emailAndPassword: { enabled: true }, plugins: [admin(), bearer()] })
 * const { defineClient, createRouter } = createMizan<BetterAuthUser<typeof auth>>()
 * createNodeHandler(router, { resolveUser: betterAuthUser(auth, { staffRoles: ['admin', 'support'] }) })
 * ```
 * @see https://www.better-auth.com/docs/concepts/session-management
 */
export function betterAuthUser<TAuth extends BetterAuthInstance>(
  auth: TAuth,
  options: BetterAuthIdentityOptions = {},
): UserResolver<BetterAuthUser<TAuth>> {
  return async (req) => {
    // A Bearer token is read alone, without the cookies: a token that does not verify must not
    // fall back to a cookie session and still count as token-authenticated (CSRF-exempt).
    const bearer = (req.headers.get('authorization') ?? '').startsWith('Bearer ')
    const headers = bearer ? new Headers({ authorization: req.headers.get('authorization')! }) : req.headers
    const session = await auth.api.getSession({ headers })
    // As the identity chain: a presented token that does not verify is a 401, never anonymous.
    if (!session && bearer) throw new MizanError('UNAUTHORIZED', 'Invalid or expired session token')
    if (!session) return null
    if (bearer) markTokenAuthenticated(req)
    const user = session.user as BetterAuthSession<TAuth>['user']
    return { ...user, ...roleFlags((user as { role?: unknown }).role, options) }
  }
}

/**
 * A handler for a sign-out server function: ends the Better Auth session and forwards its
 * cookie-clearing `Set-Cookie` headers. Declared with `affects: 'global'`, the client then
 * refetches the global context (the current user) by itself.
 *
 * @example
 * ```ts
 * signOut: defineClient({ affects: 'global' }, betterAuthSignOut(auth))
 * // React: const signOut = mizan.useSignOut(); signOut.mutate({})
 * ```
 */
export function betterAuthSignOut(auth: BetterAuthInstance) {
  return async (_input: unknown, ctx: { headers: Headers; responseHeaders: Headers }): Promise<{ signedOut: boolean }> => {
    const response = await auth.api.signOut({ headers: ctx.headers, asResponse: true })
    for (const cookie of response.headers.getSetCookie()) ctx.responseHeaders.append('Set-Cookie', cookie)
    return { signedOut: response.ok }
  }
}

/** `defineClient({ affects: 'global' }, betterAuthSignOut(auth))`, ready to put in a router as `signOut`. */
export function betterAuthSignOutFunction(auth: BetterAuthInstance) {
  return createDefineClient<MizanUser>()({ affects: 'global' }, betterAuthSignOut(auth))
}
