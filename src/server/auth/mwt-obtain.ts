import { createDefineClient, type MizanUser } from '../defineClient.ts'
import { z } from 'zod'
import { DIALECTS } from '../../shared/protocol.ts'
import type { MwtIssuer } from './mwt.ts'

/** What `mwt_obtain` answers, as the reference types it. */
const MwtGrant = z.object({ token: z.string(), expires_in: z.number().int() })

type TokenSubject = MizanUser & { permissions?: readonly string[] }

/**
 * The issuing function, registered under the key `mwtObtain` it gets the reference's wire name `mwt_obtain`: an
 * authenticated caller (session or a still-valid token) gets a fresh token. Renewed from a
 * token, the new one keeps the original sign-in time: renewal cannot outlast `maxLifetime`.
 */
export function mwtObtain(issuer: MwtIssuer, permissionsOf?: (user: TokenSubject) => readonly string[] | Promise<readonly string[]>) {
  return createDefineClient<TokenSubject>()({ auth: true, output: MwtGrant }, async (_input, ctx) => {
    const user = ctx.user!
    const permissions = permissionsOf ? await permissionsOf(user) : (user.permissions ?? [])
    const authorization = ctx.headers.get('authorization') ?? ''
    const presented = ctx.headers.get(DIALECTS[issuer.dialect].tokenHeader) ?? (authorization.startsWith('Bearer ') ? authorization.slice(7) : null)
    let renewal: { authTime: number } | undefined
    if (presented !== null) {
      // The identity chain verified the caller's token; an MWT's sign-in time carries over (a
      // legacy Bearer JWT that the chain accepted is no MWT, and counts as a sign-in).
      const identity = await issuer.verify(presented.trim())
      if (identity) renewal = { authTime: identity.authTime }
    }
    const token = await issuer.mint({ id: user.id, isStaff: user.isStaff ?? false, isSuperuser: user.isSuperuser ?? false, permissions }, renewal)
    return { token, expires_in: issuer.ttl }
  })
}
