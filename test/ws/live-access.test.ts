/**
 * Regressions for "another user can watch a context they cannot read" and "a per-user context
 * (`me`) is invalidated for everyone": a watch runs the same check as a read of that bundle
 * (members' auth, params, the context's `authorize`), and `scope: 'user'` confines a change to
 * the caller's own watchers and cache entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MemoryCache } from '../../src/server/cache/backend.ts'
import { ChannelHub } from '../../src/server/channels/hub.ts'
import { createMizan, RouterDefinitionError } from '../../src/server/index.ts'
import { SocketPool, startServer, type RunningServer } from './helpers.ts'

interface User { id: number; name: string }
const USERS: Record<string, User> = { alice: { id: 1, name: 'alice' }, bob: { id: 2, name: 'bob' }, carol: { id: 3, name: 'carol' } }
const { defineClient, createRouter } = createMizan<User>()
const inboxes = new Map<number, string[]>()
const names = new Map<number, string>()
let meReads = 0

const router = createRouter(
  {
    inbox: defineClient({ context: 'inbox', input: z.object({ user_id: z.number().int() }) }, ({ user_id }) => ({ messages: inboxes.get(user_id) ?? [] })),
    writeTo: defineClient({ affects: 'inbox', input: z.object({ user_id: z.number().int(), text: z.string() }) }, ({ user_id, text }) => {
      inboxes.set(user_id, [...(inboxes.get(user_id) ?? []), text])
      return { ok: true }
    }),
    me: defineClient({ context: 'me', auth: true }, (_: void, ctx) => {
      meReads++
      return { name: names.get(ctx.user!.id) ?? ctx.user!.name }
    }),
    rename: defineClient({ affects: 'me', auth: true, input: z.object({ name: z.string() }) }, ({ name }, ctx) => {
      names.set(ctx.user!.id, name)
      return { ok: true }
    }),
  },
  {
    contexts: {
      inbox: { authorize: ({ user_id }, ctx) => ctx.user?.id === user_id },
      me: { scope: 'user' },
    },
  },
)

const pool = new SocketPool()
let server: RunningServer
const resolveUser = (req: { headers: Headers }) => USERS[req.headers.get('x-test-user') ?? ''] ?? null

beforeAll(async () => {
  const hub = new ChannelHub()
  const cache = { backend: new MemoryCache(), secret: 'live-access' }
  server = await startServer(router, { resolveUser, csrf: false, onError: () => {}, hub, liveInvalidation: true, cache }, { onInvalidate: hub.invalidated })
})
afterAll(async () => {
  await pool.closeAll()
  await server.close()
})

async function call(fn: string, args: unknown, user: string) {
  const res = await fetch(`${server.url}/api/mizan/call/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-user': user }, body: JSON.stringify({ fn, args }) })
  expect(res.status).toBe(200)
}

async function readMe(user: string) {
  const res = await fetch(`${server.url}/api/mizan/ctx/me/`, { headers: { 'x-test-user': user } })
  return { status: res.status, cache: res.headers.get('x-mizan-cache'), body: await res.json() }
}

describe('a watch is authorized as a read', () => {
  it("carol cannot watch alice's inbox: an error frame, and no event when bob writes to it", async () => {
    const httpRead = await fetch(`${server.url}/api/mizan/ctx/inbox/?user_id=1`, { headers: { 'x-test-user': 'carol' } })
    expect(httpRead.status).toBe(403)
    const carol = await pool.connect(server.wsUrl, { 'x-test-user': 'carol' })
    const alice = await pool.connect(server.wsUrl, { 'x-test-user': 'alice' })
    expect(await carol.request({ action: 'watch', context: 'inbox', params: { user_id: 1 }, resume: true })).toEqual({ error: 'Not authorized', context: 'inbox' })
    expect(await carol.request({ action: 'watch', context: 'inbox', params: { user_id: 'x' } })).toMatchObject({ context: 'inbox', error: expect.any(String) })
    expect(await carol.request({ action: 'watch', context: 'inbox', params: { user_id: 3 } })).toEqual({ watching: true, context: 'inbox', params: { user_id: 3 } })
    expect(await alice.request({ action: 'watch', context: 'inbox', params: { user_id: 1 } })).toMatchObject({ watching: true })

    await call('write_to', { user_id: 1, text: 'hi alice' }, 'bob')
    expect(await alice.next(1000)).toEqual({ type: 'invalidate', invalidate: [{ context: 'inbox', params: { user_id: 1 } }] })
    // Carol asked for positions (resume: true): those may come; an invalidation may not.
    expect((await carol.drain(200)).filter((f) => f.type !== 'position')).toEqual([])
    expect(carol.texts.join('\n')).not.toContain('"user_id":1')
  })
})

describe("scope: 'user'", () => {
  it("a change to alice's `me` reaches alice's watchers only, and drops only her cache entry", async () => {
    const alice = await pool.connect(server.wsUrl, { 'x-test-user': 'alice' })
    const bob = await pool.connect(server.wsUrl, { 'x-test-user': 'bob' })
    for (const socket of [alice, bob]) expect(await socket.request({ action: 'watch', context: 'me' })).toEqual({ watching: true, context: 'me', params: {} })
    for (const user of ['alice', 'bob']) expect((await readMe(user)).cache).toBe('MISS')
    expect((await readMe('bob')).cache).toBe('HIT')

    await call('rename', { name: 'Alice L.' }, 'alice')
    expect(await alice.next(1000)).toEqual({ type: 'invalidate', invalidate: ['me'] })
    expect(await bob.drain(200)).toEqual([])

    const reads = meReads
    expect(await readMe('bob')).toMatchObject({ cache: 'HIT', body: { me: { name: 'bob' } } })
    expect(await readMe('alice')).toMatchObject({ cache: 'MISS', body: { me: { name: 'Alice L.' } } })
    expect(meReads).toBe(reads + 1)

    // Bob's own change reaches bob, not alice.
    await call('rename', { name: 'Bobby' }, 'bob')
    expect(await bob.next(1000)).toEqual({ type: 'invalidate', invalidate: ['me'] })
    expect(await alice.drain(200)).toEqual([])
  })

  it('is checked when the router is made', () => {
    expect(() => createRouter({ me: defineClient({ context: 'me' }, () => ({})) }, { contexts: { me: { scope: 'everyone' as 'user' } } })).toThrow(RouterDefinitionError)
  })
})
