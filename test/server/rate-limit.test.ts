/**
 * rateLimit answers RATE_LIMITED (429, Retry-After, the protocol's envelope) per caller, with
 * the memory store and with Redis (a real server, shared by two stores as two app servers
 * would share it); the kernel client waits out Retry-After on context reads, never on calls.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { createMizan, MemoryRateLimitStore, rateLimit, type RateLimitRule, type RateLimitStore } from '../../src/server/index.ts'
import { RedisRateLimitStore } from '../../src/server/rate-limit/redis-store.ts'
import { createMizanClient } from '../../src/client/index.ts'
import { FrameClient, startServer } from '../ws/helpers.ts'

const USERS: Record<string, { id: number }> = { ada: { id: 1 }, bob: { id: 2 } }

function app(store: RateLimitStore, rule: RateLimitRule) {
  const { defineClient, createRouter } = createMizan()
  const limited = defineClient.use(rateLimit({ store, rule, name: randomUUID() }))
  let runs = 0
  const router = createRouter({
    ping: limited({}, () => ++runs),
    clock: limited({ context: 'clock' }, () => ++runs),
  })
  const handler = createFetchHandler(router, { csrf: false, resolveUser: (req) => USERS[req.headers.get('x-user') ?? ''] ?? null })
  const call = async (user?: string) => {
    const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}) }, body: '{"fn":"ping"}' }))
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> }
  }
  return { router, handler, call, runs: () => runs }
}

describe('rateLimit with the memory store', () => {
  it('sliding window: refuses past the limit with 429, the envelope and Retry-After, per user', async () => {
    const { call, runs } = app(new MemoryRateLimitStore(), { algorithm: 'sliding-window', limit: 2, windowMs: 60_000 })
    expect((await call('ada')).status).toBe(200)
    expect((await call('ada')).status).toBe(200)
    const refused = await call('ada')
    expect(refused).toEqual({ status: 429, retryAfter: '60', body: { error: true, code: 'RATE_LIMITED', message: 'Too many requests, try again later', details: { retryAfter: 60 } } })
    expect(runs()).toBe(2)
    // Another user, and an anonymous caller (keyed by address), have their own windows.
    expect((await call('bob')).status).toBe(200)
    expect((await call()).status).toBe(200)
  })

  it('sliding window: a slot frees when its call leaves the window', async () => {
    let now = 1_000_000
    const store = new MemoryRateLimitStore(() => now)
    const rule: RateLimitRule = { algorithm: 'sliding-window', limit: 2, windowMs: 1000 }
    expect((await store.hit('k', rule)).allowed).toBe(true)
    now += 600
    expect((await store.hit('k', rule)).allowed).toBe(true)
    expect(await store.hit('k', rule)).toEqual({ allowed: false, retryAfterMs: 400 })
    now += 400
    expect((await store.hit('k', rule)).allowed).toBe(true)
    expect(await store.hit('k', rule)).toEqual({ allowed: false, retryAfterMs: 600 })
  })

  it('token bucket: a burst of capacity, then one call per refill', async () => {
    let now = 0
    const store = new MemoryRateLimitStore(() => now)
    const rule: RateLimitRule = { algorithm: 'token-bucket', capacity: 3, refillPerSecond: 2 }
    for (let i = 0; i < 3; i++) expect((await store.hit('k', rule)).allowed).toBe(true)
    expect(await store.hit('k', rule)).toEqual({ allowed: false, retryAfterMs: 500 })
    now += 500
    expect((await store.hit('k', rule)).allowed).toBe(true)
    expect((await store.hit('k', rule)).allowed).toBe(false)
  })

  it('forgets idle callers', async () => {
    let now = 0
    const store = new MemoryRateLimitStore(() => now)
    for (let i = 0; i < 50; i++) await store.hit(`caller-${i}`, { algorithm: 'sliding-window', limit: 1, windowMs: 1000 })
    expect(store.size).toBe(50)
    now += 20_000
    await store.hit('another', { algorithm: 'sliding-window', limit: 1, windowMs: 1000 })
    expect(store.size).toBe(1)
  })

  it('refuses a rule that cannot count', () => {
    expect(() => rateLimit({ rule: { algorithm: 'sliding-window', limit: 0, windowMs: 1000 } })).toThrow(/limit/)
    expect(() => rateLimit({ rule: { algorithm: 'token-bucket', capacity: 1, refillPerSecond: 0 } })).toThrow(/refillPerSecond/)
  })

  it('answers over WebSocket in the error object, with details.retryAfter', async () => {
    const { router } = app(new MemoryRateLimitStore(), { algorithm: 'sliding-window', limit: 1, windowMs: 30_000 })
    const server = await startServer(router, { csrf: false })
    const socket = await FrameClient.connect(server.wsUrl)
    try {
      expect(await socket.request({ action: 'rpc', id: 1, fn: 'ping' })).toMatchObject({ id: 1, ok: true })
      expect(await socket.request({ action: 'rpc', id: 2, fn: 'ping' })).toEqual({
        id: 2,
        ok: false,
        error: { code: 'RATE_LIMITED', message: 'Too many requests, try again later', details: { retryAfter: 30 } },
      })
    } finally {
      await socket.close()
      await server.close()
    }
  })
})

describe('the kernel client and Retry-After', () => {
  it('retries a context read after the wait, and never a call', async () => {
    const { handler, runs } = app(new MemoryRateLimitStore(), { algorithm: 'token-bucket', capacity: 1, refillPerSecond: 2 })
    const requests: string[] = []
    const client = createMizanClient<ReturnType<typeof app>['router']>({
      baseUrl: 'http://127.0.0.1/api/mizan',
      csrf: false,
      fetch: (input, init) => {
        requests.push(String(input))
        return handler(new Request(input, init))
      },
    })
    expect(await client.context('clock')).toEqual({ clock: 1 })
    const started = Date.now()
    // The bucket is empty: 429 with Retry-After 1, then the retry a second later succeeds.
    expect(await client.context('clock')).toEqual({ clock: 2 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(requests).toHaveLength(3)
    await expect(client.call('ping')).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429, details: { retryAfter: 1 } })
    expect(requests).toHaveLength(4)
    expect(runs()).toBe(2)
  })

  it('does not wait out a Retry-After longer than 10 s', async () => {
    const { handler } = app(new MemoryRateLimitStore(), { algorithm: 'sliding-window', limit: 1, windowMs: 60_000 })
    let requests = 0
    const client = createMizanClient<ReturnType<typeof app>['router']>({ baseUrl: 'http://127.0.0.1/api/mizan', csrf: false, fetch: (input, init) => (requests++, handler(new Request(input, init))) })
    await client.context('clock')
    await expect(client.context('clock')).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: 60 } })
    expect(requests).toBe(2)
  })
})

describe('rateLimit with Redis', () => {
  const prefix = `mizan-test:rl:${randomUUID()}:`
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false })
  // Two stores on two connections: two app servers sharing one Redis count one window.
  const first = new RedisRateLimitStore('redis://127.0.0.1:6379', { keyPrefix: prefix })
  const second = new RedisRateLimitStore(redis, { keyPrefix: prefix })

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length) await redis.unlink(...keys)
    await first.close()
    await second.close()
    await redis.quit()
  })

  it('sliding window is shared between stores, with the wait Redis computes', async () => {
    const rule: RateLimitRule = { algorithm: 'sliding-window', limit: 3, windowMs: 5000 }
    expect((await first.hit('sw', rule)).allowed).toBe(true)
    expect((await second.hit('sw', rule)).allowed).toBe(true)
    expect((await first.hit('sw', rule)).allowed).toBe(true)
    const refused = await second.hit('sw', rule)
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterMs).toBeGreaterThan(4000)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(5000)
    expect(await redis.pttl(`${prefix}sw`)).toBeGreaterThan(0)
  })

  it('token bucket refills over time', async () => {
    const rule: RateLimitRule = { algorithm: 'token-bucket', capacity: 2, refillPerSecond: 10 }
    expect((await first.hit('tb', rule)).allowed).toBe(true)
    expect((await second.hit('tb', rule)).allowed).toBe(true)
    const refused = await first.hit('tb', rule)
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterMs).toBeGreaterThan(0)
    expect(refused.retryAfterMs).toBeLessThanOrEqual(100)
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 20))
    expect((await second.hit('tb', rule)).allowed).toBe(true)
  })

  it('answers 429 over HTTP through the middleware', async () => {
    const { call } = app(first, { algorithm: 'sliding-window', limit: 1, windowMs: 10_000 })
    expect((await call('ada')).status).toBe(200)
    const refused = await call('ada')
    expect(refused.status).toBe(429)
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(9)
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' })
  })
})
