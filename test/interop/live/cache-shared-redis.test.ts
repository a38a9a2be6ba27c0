/**
 * `cache.keys: 'python'` against the live django-izana fixture, both servers on one Redis: each
 * serves the other's entries byte for byte, and each one's purges reach the other's entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient } from '../../../src/client/index.ts'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { FIXTURE_SECRETS, izanaFixtureRouter } from '../replay/izana-fixture-router.ts'
import { PrivateRedis } from '../../support/private-redis.ts'
import { startPythonBackend, type PythonBackend } from './python-backend.ts'

// Issue 23's port range: a Redis of this file's own, which serve.py FLUSHDBs before it starts.
const redis = new PrivateRedis(62307)
let backend: PythonBackend
let cache: RedisCache
let ts: (path: string, init?: RequestInit) => Promise<Response>

beforeAll(async () => {
  await redis.start()
  backend = await startPythonBackend({ redis: `${redis.url}/0` })
  // The reference's RedisCache prefixes its keys with `izana:`.
  cache = new RedisCache(`${redis.url}/0`, { namespace: 'izana:' })
  const handler = createFetchHandler(izanaFixtureRouter, { csrf: false, onError: () => {}, cache: { backend: cache, secret: FIXTURE_SECRETS.cache, keys: 'python' } })
  ts = (path, init) => handler(new Request(`http://127.0.0.1/api/mizan/${path}`, init))
}, 60_000)

afterAll(async () => {
  await cache?.quit()
  await backend?.stop()
  await redis.stop()
})

const python = (path: string) => fetch(`${backend.baseUrl}/${path}`)

describe("keys: 'python' on a Redis shared with django-izana", () => {
  it('serves the bundle Python cached, byte for byte, and Python serves the one TypeScript cached', async () => {
    const first = await python('ctx/counter/')
    const pythonBody = await first.text()
    expect((await python('ctx/counter/')).headers.get('x-izana-cache')).toBe('HIT')
    const fromTs = await ts('ctx/counter/')
    expect(fromTs.headers.get('x-mizan-cache')).toBe('HIT')
    expect(await fromTs.text()).toBe(pythonBody)

    const tsMiss = await ts('ctx/user/?user_id=2')
    expect(tsMiss.headers.get('x-mizan-cache')).toBe('MISS')
    const tsBody = await tsMiss.text()
    const fromPython = await python('ctx/user/?user_id=2')
    expect(fromPython.headers.get('x-izana-cache')).toBe('HIT')
    expect(await fromPython.text()).toBe(tsBody)
  })

  it('lets each server’s broad purge reach the other’s entries', async () => {
    await python('ctx/counter/')
    expect((await ts('ctx/counter/')).headers.get('x-mizan-cache')).toBe('HIT')
    const api = createMizanClient<typeof izanaFixtureRouter>({ dialect: 'izana', baseUrl: backend.baseUrl })
    await api.call('bumpCounter')
    expect((await ts('ctx/counter/')).headers.get('x-mizan-cache')).toBe('MISS')
    expect((await python('ctx/counter/')).headers.get('x-izana-cache')).toBe('HIT')

    const bumped = await ts('call/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fn: 'bump_counter', args: {} }) })
    expect(bumped.status).toBe(200)
    expect((await python('ctx/counter/')).headers.get('x-izana-cache')).not.toBe('HIT')
  })

  it('keys only declared params, as the reference keys the query it is sent by its own client', async () => {
    // TypeScript ignores `junk`; its entry is the one Python stores for the clean query.
    await ts('ctx/search/?q=shared&junk=1')
    expect((await python('ctx/search/?q=shared')).headers.get('x-izana-cache')).toBe('HIT')
  })
})
