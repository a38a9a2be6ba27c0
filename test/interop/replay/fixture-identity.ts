import { jwtVerify } from 'jose'
import { createIdentityResolver } from '../../../src/server/auth/identity.ts'
import { parseCookies } from '../../../src/server/http-parts.ts'
import type { Dialect } from '../../../src/shared/protocol.ts'
import { FIXTURE_SECRETS, FIXTURE_SESSIONS, mwtIssuer, type FixtureUser } from './izana-fixture-router.ts'

const legacyKey = new TextEncoder().encode(FIXTURE_SECRETS.legacyJwt)
const sessionIds = new Set(Object.keys(FIXTURE_SESSIONS))

/**
 * The fixture's identities: session cookie, MWT header, legacy access JWT as Bearer. The
 * recorded tokens carry the Izana audience, so it is kept in both spellings.
 */
export const fixtureIdentity = (dialect: Dialect) =>
  createIdentityResolver<FixtureUser>({
  dialect,
  mwt: mwtIssuer,
  userFromToken: (identity) => ({ id: identity.id, username: null, isStaff: identity.isStaff, isSuperuser: identity.isSuperuser, userClass: 'MWTUser' }),
  bearer: async (token) => {
    try {
      const { payload } = await jwtVerify(token, legacyKey, { algorithms: ['HS256'] })
      if (payload['type'] !== 'access' || !sessionIds.has(String(payload['sid'])) || typeof payload.sub !== 'string') return null
      return { id: Number(payload.sub), username: null, isStaff: payload['staff'] === true, isSuperuser: payload['super'] === true, userClass: 'JWTUser' }
    } catch {
      return null
    }
  },
  session: (req) => FIXTURE_SESSIONS[parseCookies(req.headers.get('cookie'))['sessionid'] ?? ''] ?? null,
  })
