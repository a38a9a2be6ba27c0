/**
 * The client's MWT manager against our own server (in-process fetch, real dispatcher, real
 * jose tokens). Server and client each get a fake clock, so expiry, refresh deadlines and
 * clock skew are exact instead of slept for.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createMizanClient, MizanError } from '../../src/client/index.ts'
import { createTokenManager } from '../../src/client/token-refresh.ts'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { createIdentityResolver } from '../../src/server/auth/identity.ts'
import { MwtIssuer } from '../../src/server/auth/mwt.ts'
import { parseCookies } from '../../src/server/http-parts.ts'
import { createMizan } from '../../src/server/index.ts'
import { DIALECTS, type Dialect } from '../../src/shared/protocol.ts'

interface User {
  id: number
  isStaff: boolean
  isSuperuser: boolean
}

const T0 = 1_700_000_000_000
const TTL = 60
const MARGIN = 10
const SECRET_V1 = 'unit-mwt-secret-v1-0123456789abcdef'
const SECRET_V2 = 'unit-mwt-secret-v2-0123456789abcdef'

function setup(dialect: Dialect = 'izana') {
  const serverClock = { ms: T0 }
  const clientClock = { ms: T0 }
  const issuer = (keys: Record<string, string>) => new MwtIssuer({ keys, ttl: TTL, dialect, now: () => serverClock.ms / 1000 })
  /** What the server signs new tokens with, and what it accepts; tests rotate them. */
  const keys = { signer: issuer({ v1: SECRET_V1 }), verifier: issuer({ v1: SECRET_V1 }) }

  const { defineClient, createRouter } = createMizan<User>()
  const router = createRouter({
    mwtObtain: defineClient({ auth: true }, async (_input, ctx) => ({ token: await keys.signer.mint({ id: ctx.user!.id }), expires_in: TTL })),
    whoami: defineClient({ auth: true }, (_input, ctx) => ({ id: ctx.user!.id })),
    userProfile: defineClient({ context: 'user', auth: true, input: z.object({ user_id: z.number() }) }, ({ user_id }) => ({ user_id })),
  })
  const session = (req: { headers: Headers }) => (parseCookies(req.headers.get('cookie'))['sessionid'] === 'alice-session' ? { id: 1, isStaff: false, isSuperuser: false } : null)
  const handler = createFetchHandler(router, {
    dialect,
    onError: () => {},
    // Re-created per request so a test can rotate the verifier's keys mid-run.
    resolveUser: (req) => createIdentityResolver<User>({ dialect, mwt: keys.verifier, session })(req),
  })

  const log: { fn: string | null; path: string; status: number; token: string | null }[] = []
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const request = new Request(url, init)
    const response = await handler(request)
    const fn = typeof init.body === 'string' ? ((JSON.parse(init.body) as { fn?: string }).fn ?? null) : null
    log.push({ fn, path: new URL(url).pathname, status: response.status, token: request.headers.get(DIALECTS[dialect].tokenHeader) })
    return response
  }
  const baseUrl = `http://mizan.test${DIALECTS[dialect].prefix}`
  const sessionClient = createMizanClient<typeof router>({ dialect, baseUrl, fetch, headers: { Cookie: 'sessionid=alice-session' } })
  let obtainsAnswered = 0
  const manager = createTokenManager({
    dialect,
    marginSeconds: MARGIN,
    now: () => clientClock.ms,
    fetch,
    obtain: async () => {
      const { result } = await sessionClient.call('mwtObtain')
      obtainsAnswered++
      return result
    },
  })
  const api = createMizanClient<typeof router>({ dialect, baseUrl, ...manager.clientOptions() })

  return {
    keys,
    issuer,
    manager,
    api,
    log,
    obtains: () => log.filter((r) => r.fn === 'mwt_obtain').length,
    obtainsAnswered: () => obtainsAnswered,
    rejected: () => log.filter((r) => r.fn !== 'mwt_obtain' && r.status === 401).length,
    /** Advance both clocks (no skew). */
    tick(ms: number) {
      serverClock.ms += ms
      clientClock.ms += ms
    },
    serverClock,
  }
}

/** Run calls concurrently and sort the outcomes; a failed call is kept as its error code. */
async function burst(count: number, call: (i: number) => Promise<unknown>) {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => call(i)))
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason instanceof MizanError ? s.reason.code : String(s.reason)] : []))
  return { ok: settled.length - failures.length, failures }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('createTokenManager against our server', () => {
  it('sends the token in the dialect header, with one obtain for a burst of first calls and no CSRF round trip', async () => {
    for (const dialect of ['izana', 'mizan'] as const) {
      const t = setup(dialect)
      const result = await burst(40, () => t.api.call('whoami'))
      expect(result).toEqual({ ok: 40, failures: [] })
      expect(t.obtains()).toBe(1)
      expect(t.manager.stats).toEqual({ obtains: 1, retries: 0 })
      const calls = t.log.filter((r) => r.fn === 'whoami')
      expect(calls).toHaveLength(40)
      expect(new Set(calls.map((c) => c.token)).size).toBe(1)
      expect(calls[0]!.token).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/)
      // The token-carrying client is CSRF-exempt; only the cookie-session client bootstrapped.
      expect(t.log.filter((r) => r.path.endsWith('/session/'))).toHaveLength(1)
      expect(t.manager.headerName).toBe(DIALECTS[dialect].tokenHeader)
    }
  })

  it('refreshes before expiry, not before the margin, and only once for a burst crossing the deadline', async () => {
    const t = setup()
    await t.api.call('whoami')
    t.tick((TTL - MARGIN) * 1000 - 1) // 1 ms before the refresh deadline: still the old token
    expect(await burst(20, () => t.api.call('whoami'))).toEqual({ ok: 20, failures: [] })
    expect(t.obtains()).toBe(1)
    t.tick(1) // at the deadline, 10 s before the token expires
    expect(await burst(30, (i) => (i % 2 ? t.api.call('whoami') : t.api.context('user', { user_id: i })))).toEqual({ ok: 30, failures: [] })
    expect(t.obtains()).toBe(2)
    expect(t.rejected()).toBe(0)
    t.tick(TTL * 1000 * 3) // long past expiry
    expect(await burst(30, () => t.api.call('whoami'))).toEqual({ ok: 30, failures: [] })
    expect(t.obtains()).toBe(3)
    expect(t.rejected()).toBe(0)
  })

  it('keeps many calls spread across several expiries at zero failures and one obtain per lifetime', async () => {
    const t = setup()
    const settled: PromiseSettledResult<unknown>[] = []
    let previous: Promise<unknown>[] = []
    // 200 ticks of one second, five calls each: lifetimes start at ticks 0, 50, 100 and 150.
    // Each tick's calls are still in flight while the next tick's start (and the clock moves
    // on), but are awaited then, so no request reaches the server more than two ticks late.
    for (let tick = 0; tick < 200; tick++) {
      const current = Array.from({ length: 5 }, (_, j) => (j === 4 ? t.api.context('user', { user_id: tick }) : t.api.call('whoami')))
      settled.push(...(await Promise.allSettled(previous)))
      previous = current
      t.tick(1000)
    }
    settled.push(...(await Promise.allSettled(previous)))
    expect(settled).toHaveLength(1000)
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([])
    expect(t.obtains()).toBe(4)
    expect(t.obtainsAnswered()).toBe(4)
    expect(t.rejected()).toBe(0)
    expect(t.manager.stats.retries).toBe(0)
  })

  it('retries once after a 401 (server clock ahead of the client), sharing one refresh among concurrent refusals', async () => {
    const t = setup()
    await t.api.call('whoami')
    t.serverClock.ms += (TTL + 5) * 1000 // the client believes its token still has 5 s to live
    const result = await burst(25, () => t.api.call('whoami'))
    expect(result).toEqual({ ok: 25, failures: [] })
    expect(t.rejected()).toBe(25) // every call was refused once…
    expect(t.manager.stats.retries).toBe(25) // …resent once…
    expect(t.obtains()).toBe(2) // …with one shared refresh
    const retried = t.log.filter((r) => r.fn === 'whoami').slice(-25)
    expect(retried.every((r) => r.status === 200)).toBe(true)
  })

  it('a refusal arriving after the refresh finished reuses the new token instead of refreshing again', async () => {
    const t = setup()
    const stale = await t.manager.token()
    t.serverClock.ms += (TTL + 1) * 1000
    const url = 'http://mizan.test/api/izana/call/'
    const send = () =>
      t.manager.fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Izana-Token': stale }, body: '{"fn":"whoami","args":{}}' })
    const first = await send()
    expect(first.status).toBe(200)
    expect(t.obtains()).toBe(2)
    const late = await send() // sent with the stale token before the refresh, answered after it
    expect(late.status).toBe(200)
    expect(await late.json()).toEqual({ result: { id: 1 } })
    expect(t.obtains()).toBe(2)
    expect(t.manager.stats.retries).toBe(2)
  })

  it('recovers from key rotation (old kid no longer accepted) with one refresh', async () => {
    const t = setup()
    await t.api.context('user', { user_id: 1 })
    t.keys.signer = t.issuer({ v2: SECRET_V2 })
    t.keys.verifier = t.issuer({ v2: SECRET_V2 })
    const result = await burst(10, (i) => t.api.context('user', { user_id: i }))
    expect(result).toEqual({ ok: 10, failures: [] })
    expect(t.obtains()).toBe(2)
    expect(t.rejected()).toBe(10)
  })

  it('resends only once: a token the server keeps refusing ends in the typed 401', async () => {
    const t = setup()
    await t.api.call('whoami')
    t.keys.verifier = t.issuer({ v2: SECRET_V2 }) // accepts nothing the signer mints
    const error = await t.api.call('whoami').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MizanError)
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, message: 'Invalid or expired MWT' })
    expect(t.log.filter((r) => r.fn === 'whoami').slice(-2).map((r) => r.status)).toEqual([401, 401])
    expect(t.obtains()).toBe(2)
  })

  it('fails the waiting calls when obtain fails, and tries again on the next call', async () => {
    let fail = true
    let obtains = 0
    const manager = createTokenManager({
      dialect: 'izana',
      obtain: async () => {
        obtains++
        await flush()
        if (fail) throw new MizanError('UNAUTHORIZED', 'Authentication required')
        return { token: 'tok', expires_in: 300 }
      },
    })
    const results = await Promise.allSettled([manager.token(), manager.token(), manager.token()])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(obtains).toBe(1)
    fail = false
    expect(await manager.token()).toBe('tok')
    expect(obtains).toBe(2)
    expect(await manager.token()).toBe('tok')
    expect(obtains).toBe(2)
    manager.clear()
    expect(await manager.token()).toBe('tok')
    expect(obtains).toBe(3)
  })

  it('passes other headers through and refreshes at half-life when the lifetime is shorter than two margins', async () => {
    const clock = { ms: 0 }
    let obtains = 0
    const manager = createTokenManager({
      headerName: 'X-Custom-Token',
      marginSeconds: 30,
      now: () => clock.ms,
      headers: () => ({ 'X-Trace': 'abc' }),
      obtain: async () => ({ token: `t${++obtains}`, expires_in: 20 }),
    })
    const first = await manager.headers()
    expect(Object.fromEntries(first)).toEqual({ 'x-custom-token': 't1', 'x-trace': 'abc' })
    clock.ms = 9_999
    expect(await manager.token()).toBe('t1')
    clock.ms = 10_000
    expect(await manager.token()).toBe('t2')
  })
})
