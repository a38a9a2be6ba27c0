/** Settings from the environment under the Python backends' names; code wins; a missing secret is a startup error. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createIdentityResolver } from '../../src/server/auth/identity.ts'
import { MwtIssuer } from '../../src/server/auth/mwt.ts'
import type { MizanRequest } from '../../src/server/dispatch-types.ts'
import { readSettings, SettingsError } from '../../src/server/settings.ts'

afterEach(() => vi.unstubAllEnvs())

function requestWith(headers: Record<string, string>): MizanRequest {
  return { method: 'POST', url: new URL('http://127.0.0.1/api/mizan/call/'), headers: new Headers(headers), readBody: async () => '', raw: undefined, signal: new AbortController().signal }
}

describe('settings from the environment', () => {
  it('reads the MIZAN_ names, and the IZANA_ names under the izana dialect', () => {
    vi.stubEnv('MIZAN_CACHE_SECRET', 'c-secret')
    vi.stubEnv('MIZAN_CACHE_REDIS_URL', 'redis://127.0.0.1:6379/0')
    vi.stubEnv('MIZAN_MWT_SECRET', 'm-secret')
    vi.stubEnv('MIZAN_MWT_TTL', '600')
    vi.stubEnv('IZANA_MWT_SECRET', 'i-secret')
    expect(readSettings()).toEqual({ cacheSecret: 'c-secret', cacheRedisUrl: 'redis://127.0.0.1:6379/0', mwtSecret: 'm-secret', mwtTtl: 600 })
    expect(readSettings('izana')).toEqual({ mwtSecret: 'i-secret' })
  })

  it('treats an empty variable as unset and refuses a TTL that is not whole seconds', () => {
    vi.stubEnv('MIZAN_MWT_SECRET', '  ')
    expect(readSettings()).toEqual({})
    vi.stubEnv('MIZAN_MWT_TTL', '5m')
    expect(() => readSettings()).toThrow(new SettingsError("MIZAN_MWT_TTL must be a whole number of seconds, got '5m'"))
  })
})

describe('MWT from the environment', () => {
  it('an issuer with no keys signs with MIZAN_MWT_SECRET as kid v1, and its TTL', async () => {
    vi.stubEnv('MIZAN_MWT_SECRET', 'env-secret')
    vi.stubEnv('MIZAN_MWT_TTL', '120')
    const fromEnv = new MwtIssuer()
    expect(fromEnv.ttl).toBe(120)
    const token = await fromEnv.mint({ id: 7 })
    const explicit = new MwtIssuer({ keys: { v1: 'env-secret' }, ttl: 120 })
    expect(await explicit.verify(token)).toMatchObject({ id: 7, kid: 'v1' })
    expect(await new MwtIssuer({ keys: { v1: 'other' } }).verify(token)).toBeNull()
  })

  it('an issuer with no keys and no MIZAN_MWT_SECRET is a startup error naming the variable', () => {
    expect(() => new MwtIssuer()).toThrow(SettingsError)
    expect(() => new MwtIssuer()).toThrow(/MIZAN_MWT_SECRET is not configured/)
    expect(() => new MwtIssuer({ dialect: 'izana' })).toThrow(/IZANA_MWT_SECRET is not configured/)
  })

  it('createIdentityResolver verifies X-Mizan-Token with the environment secret when no mwt option is given', async () => {
    const token = await new MwtIssuer({ keys: { v1: 'env-secret' } }).mint({ id: 3, isStaff: true })
    const withoutSecret = createIdentityResolver({})
    await expect(withoutSecret(requestWith({ 'x-mizan-token': token }))).rejects.toMatchObject({ code: 'UNAUTHORIZED' })

    vi.stubEnv('MIZAN_MWT_SECRET', 'env-secret')
    const withSecret = createIdentityResolver({})
    expect(await withSecret(requestWith({ 'x-mizan-token': token }))).toEqual({ id: 3, isStaff: true, isSuperuser: false })
  })

  it('an mwt option given in code wins over the environment', async () => {
    vi.stubEnv('MIZAN_MWT_SECRET', 'env-secret')
    const token = await new MwtIssuer({ keys: { v1: 'env-secret' } }).mint({ id: 3 })
    const resolver = createIdentityResolver({ mwt: { keys: { v1: 'code-secret' } } })
    await expect(resolver(requestWith({ 'x-mizan-token': token }))).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
  })
})
