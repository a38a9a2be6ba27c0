import { createDefineClient, type MizanUser } from '../defineClient.ts'
import { z } from 'zod'
import type { MwtIssuer } from './mwt.ts'

/** What `mwt_obtain` answers, as the reference types it. */
const MwtGrant = z.object({ token: z.string(), expires_in: z.number().int() })

type TokenSubject = MizanUser & { permissions?: readonly string[] }

/**
 * The issuing function, registered under the key `mwtObtain` it gets the reference's wire name `mwt_obtain`: an
 * authenticated caller (session or a still-valid token) gets a fresh token.
 */
export function mwtObtain(issuer: MwtIssuer, permissionsOf?: (user: TokenSubject) => readonly string[] | Promise<readonly string[]>) {
  return createDefineClient<TokenSubject>()({ auth: true, output: MwtGrant }, async (_input, ctx) => {
    const user = ctx.user!
    const permissions = permissionsOf ? await permissionsOf(user) : (user.permissions ?? [])
    const token = await issuer.mint({ id: user.id, isStaff: user.isStaff ?? false, isSuperuser: user.isSuperuser ?? false, permissions })
    return { token, expires_in: issuer.ttl }
  })
}
