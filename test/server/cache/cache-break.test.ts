/**
 * Breaker's findings on issue #23's cache: each test is named after the bug it caught.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { MemoryCache, type CacheBackend } from '../../../src/server/cache/backend.ts'
import { createCaller, createMizan } from '../../../src/server/index.ts'

interface U { id: number | string }
const { defineClient, createRouter } = createMizan<U>()

function boardApp() {
  const tasks = new Map<number, string[]>([[1, []], [2, []]])
  const names = new Map<number, string>([[1, 'one'], [2, 'two']])
  const router = createRouter({
    boardTasks: defineClient({ context: 'board', input: z.object({ board_id: z.number().int() }) }, ({ board_id }) => [...(tasks.get(board_id) ?? [])]),
    boardName: defineClient({ context: 'board', input: z.object({ board_id: z.number().int() }) }, ({ board_id }) => names.get(board_id) ?? '?'),
    // Its own arg is `id`, not the context's `board_id`: its invalidation is broad.
    renameBoard: defineClient({ auth: true, affects: 'board', input: z.object({ id: z.number().int(), name: z.string() }) }, ({ id, name }) => {
      names.set(id, name)
      return { ok: true }
    }),
  })
  const cache = { backend: new MemoryCache(), secret: 's' }
  const handler = createFetchHandler(router, { csrf: false, onError: () => {}, resolveUser: (req) => (req.headers.get('x-user') ? { id: Number(req.headers.get('x-user')) } : null), cache })
  const ctx = async (q: string, user?: number) => {
    const res = await handler(new Request(`http://127.0.0.1/api/mizan/ctx/board/${q}`, { headers: user === undefined ? {} : { 'x-user': String(user) } }))
    return { cache: res.headers.get('x-mizan-cache'), body: (await res.json()) as Record<string, unknown> }
  }
  const call = async (fn: string, args: object, user: number) => {
    const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn, args }), headers: { 'content-type': 'application/json', 'x-user': String(user) } }))
    return (await res.json()) as Record<string, unknown>
  }
  return { ctx, call }
}

describe('an undeclared arg narrows a mutation’s invalidation', () => {
  it('board_id smuggled into rename_board’s args does not turn its broad purge into a scoped one', async () => {
    const a = boardApp()
    expect((await a.ctx('?board_id=1', 2)).body['board_name']).toBe('one')
    const answer = await a.call('rename_board', { id: 1, name: 'renamed', board_id: 999 }, 1)
    expect(answer['invalidate']).toEqual(['board'])
    const again = await a.ctx('?board_id=1', 2)
    expect([again.cache, again.body['board_name']]).toEqual(['MISS', 'renamed'])
  })
})

function filterApp() {
  const rows: { a: number; b: number; day: string; tag: string | null }[] = []
  const router = createRouter({
    byFilter: defineClient({ context: 'rows', input: z.object({ filter: z.object({ a: z.number(), b: z.number() }).optional() }) }, ({ filter }) =>
      rows.filter((r) => !filter || (r.a === filter.a && r.b === filter.b)).length,
    ),
    byDay: defineClient({ context: 'days', input: z.object({ day: z.coerce.date() }) }, ({ day }) => rows.filter((r) => r.day === day.toISOString().slice(0, 10)).length),
    byTag: defineClient({ context: 'tags', input: z.object({ tag: z.string().nullable() }) }, ({ tag }) => rows.filter((r) => tag === null || r.tag === tag).length),
    byName: defineClient({ context: 'names', input: z.object({ name: z.string().trim().toLowerCase() }) }, ({ name }) => rows.filter((r) => r.tag === name).length),
    addRow: defineClient(
      { affects: ['rows', 'days', 'tags', 'names'], input: z.object({ filter: z.object({ a: z.number(), b: z.number() }), day: z.string(), tag: z.string().nullable(), name: z.string() }) },
      ({ filter, day, tag }) => {
        rows.push({ ...filter, day, tag })
        return { ok: true }
      },
    ),
  })
  return { router, cache: { backend: new MemoryCache(), secret: 's' } }
}

describe('a scoped purge misses reads whose params the schema reshapes', () => {
  it('an object param sent in another key order', async () => {
    const { router, cache } = filterApp()
    const reader = createCaller(router, { user: { id: 2 }, cache })
    expect(await reader.$context('rows', { filter: { a: 1, b: 2 } })).toEqual({ byFilter: 0 })
    await createCaller(router, { user: { id: 1 }, cache }).addRow({ filter: { b: 2, a: 1 }, day: '2024-01-01', tag: 'x', name: 'x' })
    expect(await reader.$context('rows', { filter: { a: 1, b: 2 } })).toEqual({ byFilter: 1 })
  })

  it('a date param (z.coerce.date) named by its day', async () => {
    const { router, cache } = filterApp()
    const reader = createCaller(router, { user: { id: 2 }, cache })
    expect(await reader.$context('days', { day: '2024-01-01' as never })).toEqual({ byDay: 0 })
    await createCaller(router, { user: { id: 1 }, cache }).addRow({ filter: { a: 1, b: 2 }, day: '2024-01-01', tag: 'x', name: 'x' })
    expect(await reader.$context('days', { day: '2024-01-01' as never })).toEqual({ byDay: 1 })
  })

  it('a trimmed, lower-cased param', async () => {
    const { router, cache } = filterApp()
    const reader = createCaller(router, { user: { id: 2 }, cache })
    expect(await reader.$context('names', { name: 'x' })).toEqual({ byName: 0 })
    await createCaller(router, { user: { id: 1 }, cache }).addRow({ filter: { a: 1, b: 2 }, day: '2024-01-01', tag: 'x', name: ' X ' })
    expect(await reader.$context('names', { name: 'x' })).toEqual({ byName: 1 })
  })

  it('a null param (all rows) after a mutation of one value', async () => {
    const { router, cache } = filterApp()
    const reader = createCaller(router, { user: { id: 2 }, cache })
    expect(await reader.$context('tags', { tag: null })).toEqual({ byTag: 0 })
    await createCaller(router, { user: { id: 1 }, cache }).addRow({ filter: { a: 1, b: 2 }, day: '2024-01-01', tag: 'x', name: 'x' })
    expect(await reader.$context('tags', { tag: null })).toEqual({ byTag: 1 })
  })
})

describe('params of different types share one bundle key', () => {
  it('null and "null" are different reads', async () => {
    const { router, cache } = filterApp()
    await createCaller(router, { user: { id: 1 }, cache }).addRow({ filter: { a: 1, b: 2 }, day: '2024-01-01', tag: 'null', name: 'x' })
    await createCaller(router, { user: { id: 1 }, cache }).addRow({ filter: { a: 1, b: 2 }, day: '2024-01-01', tag: 'y', name: 'x' })
    const reader = createCaller(router, { user: { id: 2 }, cache })
    expect(await reader.$context('tags', { tag: null })).toEqual({ byTag: 2 })
    expect(await reader.$context('tags', { tag: 'null' })).toEqual({ byTag: 1 })
  })
})

describe('a bigint param fails the cached read', () => {
  it('is keyed (and purged) like any other param', async () => {
    let count = 0
    const router = createRouter({
      big: defineClient({ context: 'big', input: z.object({ n: z.bigint() }) }, ({ n }) => `${n}:${count}`),
      bump: defineClient({ affects: 'big', input: z.object({ n: z.bigint() }) }, () => ++count),
    })
    const handler = createFetchHandler(router, { csrf: false, onError: () => {}, cache: { backend: new MemoryCache(), secret: 's' } })
    const read = async () => {
      const res = await handler(new Request('http://127.0.0.1/api/mizan/ctx/big/?n=12345678901234567890'))
      return [res.status, res.headers.get('x-mizan-cache'), await res.json()]
    }
    expect(await read()).toEqual([200, 'MISS', { big: '12345678901234567890:0' }])
    expect(await read()).toEqual([200, 'HIT', { big: '12345678901234567890:0' }])
    await createCaller(router, { cache: { backend: new MemoryCache(), secret: 's' } }).bump({ n: 12345678901234567890n })
    const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn: 'bump', args: { n: '12345678901234567890' } }), headers: { 'content-type': 'application/json' } }))
    expect(res.status).toBe(200)
    expect(await read()).toEqual([200, 'MISS', { big: '12345678901234567890:2' }])
  })
})

describe.each(['mizan', 'python'] as const)('a read computing while a purge lands is stored or shared after it (%s keys)', (keys) => {
  it('neither the in-flight read nor its stored bundle answers a read made after the mutation', async () => {
    const tasks: string[] = []
    let gate: (() => void) | undefined
    const router = createRouter({
      list: defineClient({ context: 'list', input: z.object({ list_id: z.number() }) }, async () => {
        const seen = [...tasks]
        if (gate === undefined) await new Promise<void>((resolve) => (gate = resolve))
        return seen
      }),
      add: defineClient({ auth: true, affects: 'list', input: z.object({ list_id: z.number(), title: z.string() }) }, ({ title }) => {
        tasks.push(title)
        return { ok: true }
      }),
    })
    const cache = { backend: new MemoryCache(), secret: 's', keys }
    const handler = createFetchHandler(router, { csrf: false, onError: () => {}, resolveUser: () => ({ id: 1 }), cache })
    const read = async () => (await (await handler(new Request('http://127.0.0.1/api/mizan/ctx/list/?list_id=1'))).json()) as { list: string[] }
    const early = read()
    while (gate === undefined) await new Promise((resolve) => setTimeout(resolve, 1))
    const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn: 'add', args: { list_id: 1, title: 't' } }), headers: { 'content-type': 'application/json' } }))
    expect(res.status).toBe(200)
    const late = read()
    gate()
    expect((await early).list).toEqual([])
    expect((await late).list).toEqual(['t'])
    expect((await read()).list).toEqual(['t'])
  })
})

describe('a purge lost to a blip stays lost for other processes until the mutating one reads', () => {
  it('is retried in the background, so another process sharing the store serves fresh data once the store is back', async () => {
    const tasks: string[] = []
    const router = createRouter({
      list: defineClient({ context: 'list', input: z.object({ list_id: z.number() }) }, () => [...tasks]),
      add: defineClient({ affects: 'list', input: z.object({ list_id: z.number(), title: z.string() }) }, ({ title }) => (tasks.push(title), { ok: true })),
    })
    const store = new MemoryCache()
    let blip = false
    // Two processes: two backend objects over one store, so neither knows the other's lost purges.
    const processBackend = (): CacheBackend => ({
      get: (key) => store.get(key),
      getMany: (keys) => store.getMany(keys),
      set: (key, value, ttl) => store.set(key, value, ttl),
      setAbsent: (keys, values, ttl) => store.setAbsent(keys, values, ttl),
      setAll: (keys, values, ttl) => (blip ? Promise.reject(new Error('connection lost')) : store.setAll(keys, values, ttl)),
      delete: (key) => store.delete(key),
      deleteByPrefix: (prefix) => store.deleteByPrefix(prefix),
      clear: () => store.clear(),
    })
    const writer = createCaller(router, { cache: { backend: processBackend(), secret: 's', log: () => {} } })
    const reader = createCaller(router, { cache: { backend: processBackend(), secret: 's', log: () => {} } })
    expect(await reader.$context('list', { list_id: 1 })).toEqual({ list: [] })
    blip = true
    await writer.add({ list_id: 1, title: 'during the blip' })
    blip = false
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(await reader.$context('list', { list_id: 1 })).toEqual({ list: ['during the blip'] })
  })
})

describe('two members parse one param differently and share one key', () => {
  it('a read of "ABC" and one of "abc" are different entries when a member sees the difference', async () => {
    const router = createRouter({
      lower: defineClient({ context: 'search', input: z.object({ q: z.string().toLowerCase() }) }, ({ q }) => q),
      verbatim: defineClient({ context: 'search', input: z.object({ q: z.string() }) }, ({ q }) => q),
    })
    const caller = createCaller(router, { cache: { backend: new MemoryCache(), secret: 's' } })
    expect(await caller.$context('search', { q: 'ABC' })).toEqual({ lower: 'abc', verbatim: 'ABC' })
    expect(await caller.$context('search', { q: 'abc' })).toEqual({ lower: 'abc', verbatim: 'abc' })
  })
})
