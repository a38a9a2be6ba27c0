import { MizanError } from '../../shared/errors.ts'
import { DIALECTS, type Dialect } from '../../shared/protocol.ts'
import type { MizanUser } from '../defineClient.ts'
import type { MizanRequest, UserResolver } from '../dispatch.ts'
import { readSettings } from '../settings.ts'
import { markTokenAuthenticated } from '../token-authenticated.ts'
import { MwtIssuer, type MwtIdentity, type MwtOptions } from './mwt.ts'

export interface IdentityOptions<TUser extends MizanUser> {
  dialect?: Dialect
  /**
   * Verifies `X-Mizan-Token` (or the dialect's spelling).
   * @default an issuer on `MIZAN_MWT_SECRET` when the environment sets it; else tokens are refused (401)
   */
  mwt?: MwtIssuer | MwtOptions
  /** The user a verified token stands for; default: one built from the claims. `null` → 401. */
  userFromToken?: (identity: MwtIdentity) => TUser | null | Promise<TUser | null>
  /** The user's permission key now; a token minted under another one is stale → 401. */
  currentPermissionKey?: (identity: MwtIdentity) => string | undefined | Promise<string | undefined>
  /** Legacy `Authorization: Bearer` tokens. Without it, a Bearer token is verified as an MWT. */
  bearer?: (token: string, req: MizanRequest) => TUser | null | Promise<TUser | null>
  /** The cookie session (or any ambient identity), used only when no token is presented. */
  session?: UserResolver<TUser>
}

/**
 * The identity chain of the reference: a token header wins, then a Bearer token, then the
 * session. A presented token that does not verify is a 401 — never a silent fall back to the
 * session, which would let a stale or forged token ride on a cookie.
 */
export function createIdentityResolver<TUser extends MizanUser>(options: IdentityOptions<TUser>): UserResolver<TUser> {
  const header = DIALECTS[options.dialect ?? 'mizan'].tokenHeader
  const emptyIsAbsent = options.dialect === 'izana'
  const issuer =
    options.mwt instanceof MwtIssuer
      ? options.mwt
      : options.mwt
        ? new MwtIssuer({ dialect: options.dialect, ...options.mwt })
        : readSettings(options.dialect).mwtSecret
          ? new MwtIssuer({ dialect: options.dialect })
          : undefined

  async function fromMwt(token: string, failure: string): Promise<TUser> {
    const identity = issuer ? await issuer.verify(token) : null
    if (!identity) throw new MizanError('UNAUTHORIZED', failure)
    if (options.currentPermissionKey) {
      const current = await options.currentPermissionKey(identity)
      if (current !== undefined && current !== identity.pkey) throw new MizanError('UNAUTHORIZED', 'Stale MWT: permissions changed')
    }
    const user = options.userFromToken
      ? await options.userFromToken(identity)
      : ({ id: identity.id, isStaff: identity.isStaff, isSuperuser: identity.isSuperuser } as TUser)
    if (!user) throw new MizanError('UNAUTHORIZED', failure)
    return user
  }

  return async (req) => {
    const token = req.headers.get(header)
    // Under the izana dialect an empty token header counts as absent, as the reference reads it
    // (`bool(META[...])`); ours refuses it, since a client that sends the header meant a token.
    if (token !== null && (token.trim() !== '' || !emptyIsAbsent)) return tokenUser(req, await fromMwt(token.trim(), 'Invalid or expired MWT'))
    const authorization = req.headers.get('authorization') ?? ''
    if (authorization.startsWith('Bearer ')) {
      const bearer = authorization.slice(7).trim()
      if (options.bearer) {
        const user = bearer ? await options.bearer(bearer, req) : null
        if (!user) throw new MizanError('UNAUTHORIZED', 'Invalid or expired JWT token')
        return tokenUser(req, user)
      }
      return tokenUser(req, await fromMwt(bearer, 'Invalid or expired JWT token'))
    }
    return options.session ? options.session(req) : null
  }
}

/** A verified token's user; the request is marked so CSRF exempts it (token-authenticated.ts). */
function tokenUser<TUser>(req: MizanRequest, user: TUser): TUser {
  markTokenAuthenticated(req)
  return user
}
