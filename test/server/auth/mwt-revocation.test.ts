/**
 * Issue 24, finding 4: "an MWT outlives logout and renews itself forever". With `revocation`
 * (the app's cache backend), logout or a permission change revokes every outstanding token;
 * renewal through mwt_obtain keeps the original sign-in time and stops at `maxLifetime`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { createIdentityResolver } from '../../../src/server/auth/identity.ts'
import { MwtIssuer } from '../../../src/server/auth/mwt.ts'
import { mwtObtain } from '../../../src/server/auth/mwt-obtain.ts'
import { MemoryCache } from '../../../src/server/cache/backend.ts'
import { parseCookies } from '../../../src/server/http-parts.ts'
import { createMizan } from '../../../src/server/index.ts'
import { listen } from '../adapters/serve.ts'

type User = { id: number; isStaff?: boolean; isSuperuser?: boolean; permissions?: string[] }
const KEYS = { v1: 'revocation-test-secret-0123456789' }
let clock = 1_800_000_000
const now = () => clock
const issuer = new MwtIssuer({ keys: KEYS, now, revocation: new MemoryCache(), maxLifetime: 24 * 3600 })
const sessions = new Map<string, User>([['s-alice', { id: 1 }]])

const { defineClient, createRouter } = createMizan<User>()
const router = createRouter({
  mwtObtain: mwtObtain(issuer),
  whoami: defineClient({ auth: true }, (_i, ctx) => ({ id: ctx.user!.id })),
  logout: defineClient({ auth: true }, async (_i, ctx) => {
    // The app's logout: end the session and revoke the user's tokens.
    for (const [sid, user] of sessions) if (user.id === ctx.user!.id) sessions.delete(sid)
    await issuer.revoke(ctx.user!.id)
    return { ok: true }
  }),
})

let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  const session = (req: { headers: Headers }) => sessions.get(parseCookies(req.headers.get('cookie'))['sid'] ?? '') ?? null
  server = await listen(createNodeHandler(router, { csrf: false, resolveUser: createIdentityResolver<User>({ mwt: issuer, session }) }))
})
afterAll(() => server.close())

async function call(fn: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/api/mizan/call/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ fn }) })
  return { status: res.status, body: await res.json() }
}

describe('MWT revocation and absolute lifetime', () => {
  it('logout revokes outstanding MWTs: the old token no longer calls nor renews itself', async () => {
    sessions.set('s-bob', { id: 2 })
    const { body } = await call('mwt_obtain', { cookie: 'sid=s-bob' })
    const token = body.result.token as string
    expect((await call('whoami', { 'x-mizan-token': token })).body.result).toEqual({ id: 2 })
    const renewed = (await call('mwt_obtain', { 'x-mizan-token': token })).body.result.token as string
    expect((await call('logout', { 'x-mizan-token': renewed })).status).toBe(200)
    for (const old of [token, renewed]) {
      expect((await call('whoami', { 'x-mizan-token': old })).status).toBe(401)
      expect((await call('mwt_obtain', { 'x-mizan-token': old })).status).toBe(401)
    }
    // A new sign-in gets a token that works again.
    sessions.set('s-bob2', { id: 2 })
    const fresh = (await call('mwt_obtain', { cookie: 'sid=s-bob2' })).body.result.token as string
    expect((await call('whoami', { 'x-mizan-token': fresh })).status).toBe(200)
  })

  it('a permission change (revoke) ends the tokens minted under the old permissions', async () => {
    const token = (await call('mwt_obtain', { cookie: 'sid=s-alice' })).body.result.token as string
    expect((await call('whoami', { 'x-mizan-token': token })).status).toBe(200)
    await issuer.revoke(1)
    expect((await call('whoami', { 'x-mizan-token': token })).status).toBe(401)
  })

  it('renewal has an absolute lifetime: 24 h after the original sign-in no renewal verifies', async () => {
    sessions.set('s-carol', { id: 3 })
    const start = clock
    let token = (await call('mwt_obtain', { cookie: 'sid=s-carol' })).body.result.token as string
    sessions.delete('s-carol')
    // Renew every 4 minutes (the token lives 5) for as long as the server allows.
    let renewals = 0
    for (;;) {
      clock += 240
      const next = await call('mwt_obtain', { 'x-mizan-token': token })
      if (next.status !== 200) {
        expect(next.status).toBe(401)
        break
      }
      token = next.body.result.token
      renewals++
      expect(renewals).toBeLessThan(1000)
    }
    expect(clock - start).toBeGreaterThan(24 * 3600 - 240)
    expect(clock - start).toBeLessThanOrEqual(24 * 3600 + 240)
    expect(renewals).toBeGreaterThanOrEqual(355)
  })

  it('the lifetime is configurable', async () => {
    const short = new MwtIssuer({ keys: KEYS, now, maxLifetime: 600 })
    const token = await short.mint({ id: 9 })
    expect(await short.verify(token)).not.toBeNull()
    clock += 200
    const renewed = await short.mint({ id: 9 }, { authTime: (await short.verify(token))!.authTime })
    clock += 250
    expect((await short.verify(renewed))?.authTime).toBe(clock - 450)
    clock += 200
    expect(await short.verify(renewed)).toBeNull()
  })

  it('claims stay the reference\'s bytes for a first sign-in with no revocation', async () => {
    const plain = new MwtIssuer({ keys: KEYS, now })
    const withStore = new MwtIssuer({ keys: KEYS, now, revocation: new MemoryCache() })
    const a = await plain.mint({ id: 5 })
    expect(await withStore.mint({ id: 5 })).toBe(a)
    expect(Object.keys(JSON.parse(Buffer.from(a.split('.')[1]!, 'base64url').toString()))).toEqual(['sub', 'staff', 'super', 'pkey', 'aud', 'iat', 'nbf', 'exp'])
  })
})
