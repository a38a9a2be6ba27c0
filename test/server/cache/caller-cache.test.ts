/**
 * createCaller (and so SSR prefetch) with the HTTP handler's cache: one key for one bundle on
 * every path, and a caller's mutation purges for the HTTP readers as an HTTP mutation does.
 */
import { describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { MemoryCache } from '../../../src/server/cache/backend.ts'
import { createCaller } from '../../../src/server/index.ts'
import { prefetchForSSR } from '../../../src/server/ssr/prefetch.ts'
import { boardUserResolver, buildBoardRouter, createDb } from './board-app.ts'

function setup() {
  const db = createDb([1, 2])
  const router = buildBoardRouter(db)
  const cache = { backend: new MemoryCache(), secret: 'caller' }
  const handler = createFetchHandler(router, { csrf: false, onError: () => {}, resolveUser: boardUserResolver(db), cache })
  const http = async (query: string, user: number) => {
    const res = await handler(new Request(`http://127.0.0.1/api/mizan/ctx/board/${query}`, { headers: { 'x-user': String(user) } }))
    return { cache: res.headers.get('x-mizan-cache'), text: await res.text() }
  }
  return { db, router, cache, http }
}

describe('createCaller with the cache', () => {
  it('serves the entry HTTP stored, byte for byte, under the canonical key (any spelling of the params)', async () => {
    const { db, router, cache, http } = setup()
    const stored = await http('?board_id=1', 2)
    expect(stored.cache).toBe('MISS')
    db.boardNames.set(1, 'changed behind the cache')
    const caller = createCaller(router, { user: db.users.get('2')!, cache })
    // A HIT: the name changed behind the cache's back (no mutation), and the caller still sees the stored bundle.
    expect(JSON.stringify(await caller.$contextWire('board', { board_id: 1, upper: false }))).toBe(stored.text)
    expect((await caller.$context('board', { board_id: 1 })).boardName).toBe('one')
  })

  it('purges for the HTTP readers when a mutation runs through the caller, and SSR reads the fresh bundle', async () => {
    const { db, router, cache, http } = setup()
    await http('?board_id=1', 2)
    expect((await http('?board_id=1', 2)).cache).toBe('HIT')
    await createCaller(router, { user: db.users.get('1')!, cache }).addTask({ board_id: 1, title: 'from the caller' })
    const after = await http('?board_id=1', 2)
    expect(after.cache).toBe('MISS')
    expect(JSON.parse(after.text).board_tasks).toEqual(['from the caller'])
    const page = await prefetchForSSR({ router, user: db.users.get('2')!, global: false, caller: { cache }, contexts: [{ context: 'board', params: { board_id: 1 } }] })
    expect(page.errors).toEqual([])
    expect(JSON.stringify(page.dehydrate())).toContain('from the caller')
  })
})
