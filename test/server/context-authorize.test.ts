import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { MemoryCache } from '../../src/server/cache/backend.ts'
import { createCaller, createMizan, MizanError, RouterDefinitionError } from '../../src/server/index.ts'
import { prefetchForSSR } from '../../src/server/ssr/prefetch.ts'
import { FrameClient, startServer, type RunningServer } from '../ws/helpers.ts'

interface User { id: number; admin?: boolean }
const { defineClient, createRouter } = createMizan<User>()
const seen: unknown[] = []
const reported: unknown[] = []

const router = createRouter(
  {
    userNotes: defineClient({ context: 'notes', input: z.object({ user_id: z.coerce.number() }) }, ({ user_id }) => ({ owner: user_id, notes: [`secret of ${user_id}`] })),
    boom: defineClient({ context: 'explodes', input: z.object({ x: z.number().optional() }) }, () => ({ ok: true })),
  },
  {
    contexts: {
      notes: {
        authorize: (params, ctx) => {
          seen.push(params)
          return ctx.user !== null && (ctx.user.admin === true || params.user_id === ctx.user.id)
        },
      },
      explodes: {
        authorize: () => {
          throw new Error('db password is hunter2')
        },
      },
    },
  },
)

const userHeader = (user?: User): Record<string, string> => (user ? { 'x-user': JSON.stringify(user) } : {})
const resolveUser = (req: { headers: Headers }) => {
  const raw = req.headers.get('x-user')
  return raw ? (JSON.parse(raw) as User) : null
}

describe('per-context authorize(params, ctx)', () => {
  const handler = createFetchHandler(router, { csrf: false, resolveUser, onError: (e) => reported.push(e), cache: { backend: new MemoryCache(), secret: 's' } })
  const read = async (query: string, user?: User) => {
    const res = await handler(new Request(`http://127.0.0.1/api/mizan/ctx/notes/${query}`, { headers: userHeader(user) }))
    return { status: res.status, cache: res.headers.get('x-mizan-cache'), body: (await res.json()) as Record<string, unknown> }
  }

  it('gets the params as the members parsed them and gates HTTP reads, before the cache', async () => {
    const own = await read('?user_id=7', { id: 7 })
    expect(own.status).toBe(200)
    expect(seen.at(-1)).toEqual({ user_id: 7 })
    // The admin's read puts user 7's bundle in the cache for the admin only; user 8 still asks authorize.
    expect((await read('?user_id=7', { id: 1, admin: true })).status).toBe(200)
    expect((await read('?user_id=7', { id: 7 })).cache).toBe('HIT')
    const other = await read('?user_id=7', { id: 8 })
    expect(other.status).toBe(403)
    expect(other.body).toEqual({ error: true, code: 'FORBIDDEN', message: 'Access denied' })
    expect((await read('?user_id=7')).status).toBe(403)
  })

  it('answers a throwing authorize with a generic 403 and reports the error', async () => {
    reported.length = 0
    const res = await handler(new Request('http://127.0.0.1/api/mizan/ctx/explodes/', { headers: userHeader({ id: 1 }) }))
    const text = await res.text()
    expect(res.status).toBe(403)
    expect(text).not.toContain('hunter2')
    expect(JSON.parse(text)).toEqual({ error: true, code: 'FORBIDDEN', message: 'Access denied' })
    expect(String(reported[0])).toContain('hunter2')
  })

  it('gates createCaller and SSR prefetch the same way', async () => {
    const mine = createCaller(router, { user: { id: 3 } })
    expect(await mine.$context('notes', { user_id: 3 })).toEqual({ userNotes: { owner: 3, notes: ['secret of 3'] } })
    await expect(mine.$context('notes', { user_id: 4 })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Access denied' })
    await expect(createCaller(router, { onError: () => {} }).$context('explodes')).rejects.toBeInstanceOf(MizanError)
    const page = await prefetchForSSR({ router, user: { id: 3 }, global: false, contexts: [{ context: 'notes', params: { user_id: 4 } }, { context: 'notes', params: { user_id: 3 } }] })
    expect(page.errors.map((e) => [e.target, e.error.code])).toEqual([['ctx:notes', 'FORBIDDEN']])
    expect(JSON.stringify(page.dehydrate())).not.toContain('secret of 4')
    expect(JSON.stringify(page.dehydrate())).toContain('secret of 3')
  })

  it('rejects options for a context the router does not have', () => {
    // @ts-expect-error 'nope' is not a context of these defs
    expect(() => createRouter({ a: defineClient({ context: 'x' }, () => 1) }, { contexts: { nope: { authorize: () => true } } })).toThrow(RouterDefinitionError)
  })
})

describe('authorize on WebSocket context reads', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer(router, { resolveUser: (req) => resolveUser(req), onError: () => {} }, { cache: { backend: new MemoryCache(), secret: 's' } })
  })
  afterAll(() => server.close())

  it('denies another user’s params and serves the owner, on one cache', async () => {
    const owner = await FrameClient.connect(server.wsUrl, userHeader({ id: 5 }))
    const intruder = await FrameClient.connect(server.wsUrl, userHeader({ id: 6 }))
    try {
      const ok = await owner.request({ action: 'ctx', id: 'a', context: 'notes', params: { user_id: 5 } })
      expect(ok.data).toEqual({ user_notes: { owner: 5, notes: ['secret of 5'] } })
      const denied = await intruder.request({ action: 'ctx', id: 'b', context: 'notes', params: { user_id: 5 } })
      expect(denied.error).toMatchObject({ code: 'FORBIDDEN', message: 'Access denied' })
      expect(JSON.stringify(denied)).not.toContain('secret of 5')
    } finally {
      owner.socket.close()
      intruder.socket.close()
    }
  })
})
