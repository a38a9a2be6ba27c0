/**
 * Regression (found by `npm run soak`, the Redis-outage run): RedisCache waited up to 2 s for a
 * "first connection" on the first cache operation of an outage when its client had connected
 * before any operation (a warm start: the server booted, Redis answered, then traffic came).
 * Every context read of that first outage queued behind that wait: under load, context reads
 * stalled for 2 s (no failures, but no answers either) before the cache was skipped.
 * Later outages must fail fast from the first request on, whatever the order of boot and traffic.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { RedisCache } from '../../src/server/cache/redis-cache.ts'
import { createMizan } from '../../src/server/index.ts'
import { listen } from '../server/adapters/serve.ts'
import { PrivateRedis } from '../support/private-redis.ts'

const { defineClient, createRouter } = createMizan()
const router = createRouter({
  card: defineClient({ context: 'card', input: z.object({ id: z.number().int() }) }, ({ id }) => ({ id, label: `card ${id}` })),
})

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {})
})

async function read(base: string, id: number): Promise<{ status: number; cache: string | null; ms: number }> {
  const t0 = performance.now()
  const res = await fetch(`${base}/api/mizan/ctx/card/?id=${id}`)
  await res.text()
  return { status: res.status, cache: res.headers.get('x-mizan-cache'), ms: performance.now() - t0 }
}

describe('redis outage after a warm start', () => {
  it('does not stall context reads behind a first-connection wait: the first outage fails fast too', async () => {
    const redis = await PrivateRedis.start()
    cleanups.push(() => redis.stop())
    const backend = new RedisCache(redis.url, { namespace: 'mizan-regression-warm-start:' })
    cleanups.push(() => backend.quit())
    const server = await listen(createNodeHandler(router, { csrf: false, onError: () => {}, cache: { backend, secret: 'regression', log: () => {} } }))
    cleanups.push(() => server.close())

    // The warm start: Redis is connected before the first request touches the cache.
    if (backend.client.status !== 'ready') await new Promise((resolve) => backend.client.once('ready', resolve))
    expect((await read(server.url, 1)).cache).toBe('MISS')
    expect((await read(server.url, 1)).cache).toBe('HIT')

    await redis.stop()
    const during = await Promise.all(Array.from({ length: 10 }, (_, i) => read(server.url, (i % 3) + 1)))
    for (const r of during) {
      expect(r.status).toBe(200)
      expect(r.cache).not.toBe('HIT')
      // It was ~2,000 ms (the bounded first-connection wait); a dead backend must be skipped at once.
      expect(r.ms).toBeLessThan(500)
    }
  }, 20_000)
})
