import { randomUUID } from 'node:crypto'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { MemoryCache, type CacheBackend } from '../../../src/server/cache/backend.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { createMizan } from '../../../src/server/index.ts'
import { PrivateRedis } from '../../support/private-redis.ts'

interface User { id: number }
const { defineClient, createRouter } = createMizan<User>()
const computed = { count: 0 }

function buildRouter(rev = 0, ttl: number | boolean = true) {
  return createRouter({
    userCard: defineClient({ context: 'user', rev, cache: ttl, input: z.object({ user_id: z.number() }) }, async ({ user_id }, ctx) => {
      computed.count++
      await new Promise((r) => setTimeout(r, 5))
      return { user_id, viewer: ctx.user?.id ?? null, n: computed.count }
    }),
    uncached: defineClient({ context: 'live', cache: false }, () => ({ n: ++computed.count })),
    updateUser: defineClient({ affects: 'user', input: z.object({ user_id: z.number() }) }, () => ({ ok: true })),
    refreshAll: defineClient({ affects: 'user' }, () => ({ ok: true })),
  })
}

const namespace = `mizan-test:${randomUUID()}:`
const shared = new RedisCache('redis://127.0.0.1:6379', { namespace })
afterAll(async () => {
  await shared.clear()
  await shared.quit()
})

function serve(router: ReturnType<typeof buildRouter>, backend = shared as RedisCache | MemoryCache, log?: (m: string) => void) {
  const handler = createFetchHandler(router, {
    csrf: false,
    onError: () => {},
    resolveUser: (req) => (req.headers.get('x-user') ? { id: Number(req.headers.get('x-user')) } : null),
    cache: { backend, secret: 'test-secret', log },
  })
  return {
    ctx: async (name: string, query: string, user?: number) => {
      const res = await handler(new Request(`http://127.0.0.1/api/mizan/ctx/${name}/${query}`, { headers: user ? { 'x-user': String(user) } : {} }))
      return { status: res.status, cache: res.headers.get('x-mizan-cache'), body: (await res.json()) as Record<string, { n: number; viewer: number | null; user_id: number }> }
    },
    call: async (fn: string, args: object, user?: number) =>
      (await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn, args }), headers: user ? { 'x-user': String(user) } : {} }))).status,
  }
}

beforeEach(async () => {
  computed.count = 0
  await shared.clear()
})

describe('context cache on real Redis', () => {
  it('misses, then hits with the same bytes', async () => {
    const app = serve(buildRouter())
    const first = await app.ctx('user', '?user_id=1')
    const second = await app.ctx('user', '?user_id=1')
    expect([first.cache, second.cache]).toEqual(['MISS', 'HIT'])
    expect(second.body).toEqual(first.body)
    expect(computed.count).toBe(1)
  })

  it('purges one key on a scoped invalidation and the prefix on a broad one', async () => {
    const app = serve(buildRouter())
    await app.ctx('user', '?user_id=1')
    await app.ctx('user', '?user_id=2')
    expect(await app.call('update_user', { user_id: 1 })).toBe(200)
    expect((await app.ctx('user', '?user_id=1')).cache).toBe('MISS')
    expect((await app.ctx('user', '?user_id=2')).cache).toBe('HIT')
    expect(await app.call('refresh_all', {})).toBe(200)
    expect((await app.ctx('user', '?user_id=2')).cache).toBe('MISS')
  })

  it('busts on a rev bump, never caches cache:false, and applies a TTL', async () => {
    await serve(buildRouter(0)).ctx('user', '?user_id=1')
    expect((await serve(buildRouter(1)).ctx('user', '?user_id=1')).cache).toBe('MISS')
    const live = serve(buildRouter())
    const once = await live.ctx('live', '')
    expect(once.cache).toBeNull()
    expect((await live.ctx('live', '')).body['uncached']!.n).toBe(once.body['uncached']!.n + 1)
    const short = serve(buildRouter(0, 1))
    await short.ctx('user', '?user_id=5')
    const ttls = await shared.client.keys(`${namespace}{ctx:user}:b:*`).then((keys) => Promise.all(keys.map((k) => shared.client.ttl(k))))
    expect(ttls.some((t) => t > 0 && t <= 1)).toBe(true)
  })

  it('never serves one user’s bundle to another (randomized)', async () => {
    const app = serve(buildRouter())
    let seed = 42
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    for (let i = 0; i < 200; i++) {
      const viewer = rand(6) || undefined
      const userId = rand(4) + 1
      const { body, status } = await app.ctx('user', `?user_id=${userId}`, viewer)
      expect(status).toBe(200)
      expect(body['user_card']).toMatchObject({ user_id: userId, viewer: viewer ?? null })
    }
  })

  it('collapses a stampede on a cold key into one computation', async () => {
    const app = serve(buildRouter(), new MemoryCache())
    const results = await Promise.all(Array.from({ length: 25 }, () => app.ctx('user', '?user_id=9')))
    expect(computed.count).toBe(1)
    expect(new Set(results.map((r) => r.body['user_card']!.n))).toEqual(new Set([1]))
  })
})

describe('Redis outage', () => {
  it('keeps serving uncached while Redis is down, warns once, and resumes', async () => {
    const redis = await PrivateRedis.start()
    const cache = new RedisCache(redis.url, { redisOptions: { retryStrategy: () => 50 } })
    const warnings: string[] = []
    const app = serve(buildRouter(), cache, (m) => warnings.push(m))
    try {
      await app.ctx('user', '?user_id=1')
      expect((await app.ctx('user', '?user_id=1')).cache).toBe('HIT')
      await redis.stop()
      const during = []
      for (let i = 0; i < 30; i++) during.push(await app.ctx('user', `?user_id=${(i % 3) + 1}`))
      expect(during.every((r) => r.status === 200)).toBe(true)
      expect(await app.call('update_user', { user_id: 1 })).toBe(200)
      expect(warnings.filter((w) => w.includes('unavailable'))).toHaveLength(1)
      await redis.start()
      let resumed = false
      for (let i = 0; i < 60 && !resumed; i++) {
        await new Promise((r) => setTimeout(r, 100))
        await app.ctx('user', '?user_id=7')
        resumed = (await app.ctx('user', '?user_id=7')).cache === 'HIT'
      }
      expect(resumed).toBe(true)
      expect(warnings.some((w) => w.includes('resumed'))).toBe(true)
    } finally {
      await cache.quit()
      await redis.stop()
    }
  }, 30_000)
})

describe('purges lost to an outage', () => {
  it('are replayed before the context is served from the cache again (regression: a stale HIT after a Redis blip)', async () => {
    // The real Redis keeps its data through the "blip"; only deletes fail while it lasts.
    let blip = false
    const flaky: CacheBackend = {
      get: (key) => shared.get(key),
      getMany: (keys) => shared.getMany(keys),
      set: (key, value, ttl) => shared.set(key, value, ttl),
      setAbsent: (keys, values, ttl) => shared.setAbsent(keys, values, ttl),
      setAll: (keys, values, ttl) => (blip ? Promise.reject(new Error('connection lost')) : shared.setAll(keys, values, ttl)),
      delete: (key) => (blip ? Promise.reject(new Error('connection lost')) : shared.delete(key)),
      deleteByPrefix: (prefix) => (blip ? Promise.reject(new Error('connection lost')) : shared.deleteByPrefix(prefix)),
      clear: () => shared.clear(),
    }
    const app = serve(buildRouter(), flaky as RedisCache, () => {})
    const before = await app.ctx('user', '?user_id=1')
    expect((await app.ctx('user', '?user_id=1')).cache).toBe('HIT')
    blip = true
    expect(await app.call('update_user', { user_id: 1 })).toBe(200)
    blip = false
    const after = await app.ctx('user', '?user_id=1')
    expect(after.cache).not.toBe('HIT')
    expect(after.body['user_card']!.n).not.toBe(before.body['user_card']!.n)
    expect((await app.ctx('user', '?user_id=1')).cache).toBe('HIT')
  })
})
