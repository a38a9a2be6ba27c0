/**
 * One regression test per numbered finding of issue #23, each on the backend(s) it was found on.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { MemoryCache, type CacheBackend } from '../../../src/server/cache/backend.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { ChannelHub } from '../../../src/server/channels/hub.ts'
import { FrameClient, startServer } from '../../ws/helpers.ts'
import { boardUserResolver, buildBoardRouter, createDb, type BoardDb } from './board-app.ts'
import { PrivateRedis } from '../../support/private-redis.ts'

const redis = new RedisCache('redis://127.0.0.1:6379', { namespace: `mizan-findings:${randomUUID()}:` })
afterAll(async () => {
  await redis.clear()
  await redis.quit()
})

function app(backend: CacheBackend, db: BoardDb = createDb([0, '', 1, 2, 3])) {
  const router = buildBoardRouter(db)
  const handler = createFetchHandler(router, { csrf: false, onError: () => {}, resolveUser: boardUserResolver(db), cache: { backend, secret: 'findings' } })
  const headers = (user?: number | string, extra: Record<string, string> = {}): Record<string, string> => (user === undefined ? extra : { 'x-user': String(user), ...extra })
  return {
    db,
    router,
    async ctx(name: string, query: string, user?: number | string, extra?: Record<string, string>) {
      const res = await handler(new Request(`http://127.0.0.1/api/mizan/ctx/${name}/${query}`, { headers: headers(user, extra) }))
      return { status: res.status, cache: res.headers.get('x-mizan-cache'), body: (await res.json()) as Record<string, unknown> }
    },
    async call(fn: string, args: object, user?: number | string) {
      const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn, args }), headers: { 'content-type': 'application/json', ...headers(user) } }))
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    },
  }
}

const backends = () => [
  ['MemoryCache', new MemoryCache()],
  ['Redis', redis],
] as const

describe.each(backends())('finding 1: stale data for every other user (%s)', (_name, backend) => {
  it('a scoped mutation by user 1 refreshes user 2’s and anonymous reads', async () => {
    const a = app(backend)
    expect((await a.ctx('board', '?board_id=1', 2)).cache).toBe('MISS')
    expect((await a.ctx('board', '?board_id=1')).status).toBe(200)
    const added = await a.call('add_task', { board_id: 1, title: 'from user 1' }, 1)
    expect(added.body['invalidate']).toContainEqual({ context: 'board', params: { board_id: 1 } })
    const again = await a.ctx('board', '?board_id=1', 2)
    expect(again.cache).toBe('MISS')
    expect(again.body['board_tasks']).toEqual(['from user 1'])
    expect((await a.ctx('board', '?board_id=1')).body['board_tasks']).toEqual(['from user 1'])
    expect((await a.ctx('board', '?board_id=1', 2)).cache).toBe('HIT')
  })

  it('a broad purge refreshes every user too, and a read with other params of the context as well', async () => {
    const a = app(backend)
    await a.ctx('board', '?board_id=2&upper=true', 2)
    a.db.users.get('1')!.isStaff = true
    expect((await a.call('rename_boards', { suffix: 'x' }, 1)).status).toBe(200)
    const after = await a.ctx('board', '?board_id=2&upper=true', 2)
    expect([after.cache, after.body['board_name']]).toEqual(['MISS', 'TWO+X'])
  })
})

describe.each(backends())('finding 2: a cache HIT skips auth (%s)', (_name, backend) => {
  it('an API key read does not open the cached bundle to anonymous readers', async () => {
    const a = app(backend)
    expect((await a.ctx('partner', '')).status).toBe(403)
    expect((await a.ctx('partner', '', undefined, { 'x-api-key': 'key-ok' })).status).toBe(200)
    const again = await a.ctx('partner', '')
    expect(again.status).toBe(403)
    expect(JSON.stringify(again.body)).not.toContain('partner data')
  })

  it('a staff read does not open the bundle to the same user once demoted', async () => {
    const a = app(backend)
    a.db.users.get('1')!.isStaff = true
    expect((await a.ctx('staff', '', 1)).status).toBe(200)
    a.db.users.get('1')!.isStaff = false
    const demoted = await a.ctx('staff', '', 1)
    expect(demoted.status).toBe(403)
    expect(demoted.body['tasks']).toBeUndefined()
  })
})

describe('finding 3: junk params grow the keyspace', () => {
  it('extra query params add no Redis key', async () => {
    const private_ = new RedisCache('redis://127.0.0.1:6379', { namespace: `mizan-junk:${randomUUID()}:` })
    try {
      const a = app(private_)
      for (let i = 0; i < 500; i++) expect((await a.ctx('board', `?board_id=1&junk${i}=${randomUUID()}`)).status).toBe(200)
      const keys = await private_.client.keys(`${(private_ as unknown as { namespace: string }).namespace}*`)
      // One bundle (anonymous, board 1) and its generations: the context's, board_id=1, upper's.
      expect(keys.filter((k) => k.includes(':b:'))).toHaveLength(1)
      expect(keys.length).toBeLessThanOrEqual(4)
    } finally {
      await private_.clear()
      await private_.quit()
    }
  })

  it('a flood of distinct reads cannot push a warm bundle out of MemoryCache, which stays within its bytes', async () => {
    const memory = new MemoryCache({ maxBytes: 256 * 1024 })
    const db = createDb([1])
    for (let i = 0; i < 40; i++) db.profiles.set(`p${i}`, 'x'.repeat(200))
    db.users.get('1')!.isStaff = true
    const a = app(memory, db)
    await a.ctx('board', '?board_id=1')
    for (let i = 0; i < 10_050; i++) {
      await a.ctx('board', `?board_id=1&junk=${i}`)
      if (i % 50 === 0) await a.ctx('profile', `?user_id=p${i % 40}`, 1)
    }
    expect((await a.ctx('board', '?board_id=1')).cache).toBe('HIT')
    expect(memory.bytes).toBeLessThanOrEqual(memory.maxBytes)
  })
})

describe('finding 4: HTTP and WebSocket key params differently', () => {
  const db = createDb([1])
  const backend = new MemoryCache()
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer(buildBoardRouter(db), { resolveUser: boardUserResolver(db), onError: () => {}, cache: { backend, secret: 'findings' } }, { csrf: false })
  })
  afterAll(() => server.close())

  it('a WebSocket read with a lax-coerced value shares the canonical entry, and the raw spelling still answers 422 over HTTP', async () => {
    const socket = await FrameClient.connect(server.wsUrl)
    try {
      db.boardNames.set(1, 'before')
      const reply = await socket.request({ action: 'ctx', id: '1', context: 'board', params: { board_id: 1, upper: 'true' } })
      expect(reply.data['board_name']).toBe('BEFORE')
      const http = (query: string) => fetch(`${server.url}/api/mizan/ctx/board/${query}`)
      const bad = await http('?board_id=true')
      expect(bad.status).toBe(422)
      // The same bundle as HTTP spells it: the entry the socket stored.
      const same = await http('?board_id=1&upper=1')
      expect([same.status, same.headers.get('x-mizan-cache')]).toEqual([200, 'HIT'])
      expect(((await same.json()) as Record<string, unknown>)['board_name']).toBe('BEFORE')
    } finally {
      socket.socket.close()
    }
  })
})

describe.each(backends())('finding 5: user id 0 or \'\' shares the anonymous cache (%s)', (_name, backend) => {
  it.each([[0], ['']])('user %j is a user: its bundle never answers an anonymous read', async (id) => {
    const a = app(backend)
    a.db.inbox.get(String(id))!.push(`for ${JSON.stringify(id)} only`)
    const own = await a.ctx('inbox', '', id)
    expect(own.status).toBe(200)
    expect(own.body['inbox_messages']).toEqual([`for ${JSON.stringify(id)} only`])
    const anonymous = await a.ctx('inbox', '')
    expect(anonymous.status).toBe(401)
    // And the anonymous board entry is not user 0's (member `board_viewer` answers who reads).
    expect((await a.ctx('board', '?board_id=2', id)).body['board_viewer']).toEqual({ viewer: id })
    expect((await a.ctx('board', '?board_id=2')).body['board_viewer']).toEqual({ viewer: null })
  })
})

describe('finding 6: a broad purge is a SCAN of the whole keyspace', () => {
  const server = new PrivateRedis(62300)
  beforeAll(() => server.start(), 20_000)
  afterAll(() => server.stop())

  it('purges with one EVAL and no SCAN, with 100,000 other keys in Redis', async () => {
    const cache = new RedisCache(server.url)
    try {
      for (let batch = 0; batch < 10; batch++) {
        const pipe = cache.client.pipeline()
        for (let i = 0; i < 10_000; i++) pipe.set(`other:${batch}:${i}`, 'x')
        await pipe.exec()
      }
      const a = app(cache)
      a.db.users.get('1')!.isStaff = true
      for (let b = 1; b <= 2; b++) await a.ctx('board', `?board_id=${b}`, 2)
      await cache.client.config('RESETSTAT')
      expect((await a.call('rename_boards', { suffix: 'y' }, 1)).status).toBe(200)
      const stats = await cache.client.info('commandstats')
      const calls = Object.fromEntries([...stats.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]))
      // The purge is one EVAL that SETs the context's generation token, whatever the keyspace holds
      // (Redis counts the script's own SET too).
      expect(calls).toEqual({ eval: 1, set: 1 })
      expect((await a.ctx('board', '?board_id=2', 2)).body['board_name']).toBe('two+y')
    } finally {
      await cache.quit()
    }
  }, 30_000)
})

describe('purges lost to an outage, across the adapters of one process', () => {
  it('a purge the HTTP handler lost is replayed before the WebSocket adapter serves the context from the cache', async () => {
    const db = createDb([1, 2])
    const memory = new MemoryCache()
    let blip = false
    const failing = <T>(run: () => Promise<T>) => (blip ? Promise.reject(new Error('connection lost')) : run())
    const flaky: CacheBackend = {
      get: (key) => memory.get(key),
      getMany: (keys) => memory.getMany(keys),
      set: (key, value, ttl) => memory.set(key, value, ttl),
      setAbsent: (keys, values, ttl) => memory.setAbsent(keys, values, ttl),
      setAll: (keys, values, ttl) => failing(() => memory.setAll(keys, values, ttl)),
      delete: (key) => failing(() => memory.delete(key)),
      deleteByPrefix: (prefix) => failing(() => memory.deleteByPrefix(prefix)),
      clear: () => memory.clear(),
    }
    const options = { csrf: false as const, onError: () => {}, resolveUser: boardUserResolver(db), cache: { backend: flaky, secret: 'findings', log: () => {} } }
    const server = await startServer(buildBoardRouter(db), options, options)
    const socket = await FrameClient.connect(server.wsUrl, { 'x-user': '2' })
    try {
      const read = () => socket.request({ action: 'ctx', id: 'r', context: 'board', params: { board_id: 1 } })
      await read()
      await read()
      blip = true
      const res = await fetch(`${server.url}/api/mizan/call/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': '1' }, body: JSON.stringify({ fn: 'add_task', args: { board_id: 1, title: 'during the blip' } }) })
      expect(res.status).toBe(200)
      blip = false
      expect((await read()).data['board_tasks']).toEqual(['during the blip'])
    } finally {
      socket.socket.close()
      await server.close()
    }
  })
})

describe('finding 1 with live invalidation on: the refetch a push asks for is fresh', () => {
  it('user 2 is told to refetch and is served the new list, not the cached one', async () => {
    const db = createDb([1, 2])
    const hub = new ChannelHub()
    const options = { csrf: false as const, onError: () => {}, hub, liveInvalidation: true, resolveUser: boardUserResolver(db), cache: { backend: new MemoryCache(), secret: 'findings' } }
    const server = await startServer(buildBoardRouter(db), options, { ...options, onInvalidate: hub.invalidated })
    const two = await FrameClient.connect(server.wsUrl, { 'x-user': '2' })
    try {
      expect(await two.request({ action: 'watch', context: 'board', params: { board_id: 1 } })).toMatchObject({ watching: true })
      const read = (id: string) => two.request({ action: 'ctx', id, context: 'board', params: { board_id: 1 } })
      expect((await read('a')).data['board_tasks']).toEqual([])
      expect((await read('b')).data['board_tasks']).toEqual([])
      const res = await fetch(`${server.url}/api/mizan/call/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': '1' }, body: JSON.stringify({ fn: 'add_task', args: { board_id: 1, title: 'pushed' } }) })
      expect(res.status).toBe(200)
      const push = await two.nextWhere((frame: { type?: string }) => frame.type === 'invalidate')
      expect(push.invalidate).toContainEqual({ context: 'board', params: { board_id: 1 } })
      expect((await read('c')).data['board_tasks']).toEqual(['pushed'])
    } finally {
      two.socket.close()
      await server.close()
    }
  })
})
