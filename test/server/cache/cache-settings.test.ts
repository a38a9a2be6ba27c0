/**
 * The context cache from the environment, as the Python backends configure theirs: both
 * MIZAN_CACHE_SECRET and MIZAN_CACHE_REDIS_URL → a Redis cache; one of them alone → off with a
 * warning, and refused when NODE_ENV=production; a secret left out of code → read from the
 * environment, never made up.
 */
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { MemoryCache } from '../../../src/server/cache/backend.ts'
import { defineClient } from '../../../src/server/defineClient.ts'
import { createRouter } from '../../../src/server/router.ts'
import { SettingsError } from '../../../src/server/settings.ts'
import { PrivateRedis } from '../../support/private-redis.ts'

const router = createRouter({
  boardTasks: defineClient({ context: 'board', input: z.object({ board_id: z.number() }) }, ({ board_id }) => [`task of ${board_id}`]),
})

const redis = new PrivateRedis(63300)
beforeAll(() => redis.start(), 20_000)
afterAll(() => redis.stop())
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

async function read(handler: (request: Request) => Promise<Response>, prefix = '/api/mizan'): Promise<string | null> {
  const response = await handler(new Request(`http://127.0.0.1${prefix}/ctx/board/?board_id=1`))
  expect(response.status).toBe(200)
  return response.headers.get(prefix === '/api/mizan' ? 'x-mizan-cache' : 'x-izana-cache')
}

describe('the context cache from the environment', () => {
  it('MIZAN_CACHE_SECRET and MIZAN_CACHE_REDIS_URL both set: bundles are cached in that Redis', async () => {
    vi.stubEnv('MIZAN_CACHE_SECRET', 'env-cache-secret')
    vi.stubEnv('MIZAN_CACHE_REDIS_URL', redis.url)
    const handler = createFetchHandler(router)
    expect(await read(handler)).toBe('MISS')
    expect(await read(handler)).toBe('HIT')
    const client = new Redis(redis.url)
    try {
      expect(await client.dbsize()).toBeGreaterThan(0)
    } finally {
      client.disconnect()
    }
  })

  it('the IZANA_ names under the izana dialect', async () => {
    vi.stubEnv('IZANA_CACHE_SECRET', 'env-cache-secret-2')
    vi.stubEnv('IZANA_CACHE_REDIS_URL', redis.url)
    const handler = createFetchHandler(router, { dialect: 'izana' })
    expect(await read(handler, '/api/izana')).toBe('MISS')
    expect(await read(handler, '/api/izana')).toBe('HIT')
  })

  it('one of the two alone: the cache is off, with a warning; in production, a startup error', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.stubEnv('MIZAN_CACHE_SECRET', 'env-cache-secret')
    const handler = createFetchHandler(router)
    expect(await read(handler)).toBeNull()
    expect(warn).toHaveBeenCalledWith('[mizan] MIZAN_CACHE_SECRET is set but MIZAN_CACHE_REDIS_URL is missing: the context cache is off')

    vi.stubEnv('NODE_ENV', 'production')
    expect(() => createFetchHandler(router)).toThrow(SettingsError)
    vi.stubEnv('MIZAN_CACHE_SECRET', '')
    vi.stubEnv('MIZAN_CACHE_REDIS_URL', redis.url)
    expect(() => createFetchHandler(router)).toThrow('MIZAN_CACHE_REDIS_URL is set but MIZAN_CACHE_SECRET is missing: set both to cache contexts, or neither')
  })

  it('a cache given in code without a secret takes MIZAN_CACHE_SECRET, and without one is a startup error', async () => {
    expect(() => createFetchHandler(router, { cache: { backend: new MemoryCache() } })).toThrow(
      new SettingsError('The context cache needs a secret: set MIZAN_CACHE_SECRET, or pass cache: { secret }'),
    )
    vi.stubEnv('MIZAN_CACHE_SECRET', 'env-cache-secret')
    const handler = createFetchHandler(router, { cache: { backend: new MemoryCache() } })
    expect(await read(handler)).toBe('MISS')
    expect(await read(handler)).toBe('HIT')
  })

  it('cache: false turns it off whatever the environment says; a cache in code wins over it', async () => {
    vi.stubEnv('MIZAN_CACHE_SECRET', 'env-cache-secret')
    vi.stubEnv('MIZAN_CACHE_REDIS_URL', 'redis://127.0.0.1:1')
    expect(await read(createFetchHandler(router, { cache: false }))).toBeNull()
    const memory = createFetchHandler(router, { cache: { backend: new MemoryCache(), secret: 'code-secret' } })
    expect(await read(memory)).toBe('MISS')
    expect(await read(memory)).toBe('HIT')
  })
})
