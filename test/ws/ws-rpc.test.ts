/**
 * RPC and context reads over the socket answer exactly as HTTP does (same dispatcher core):
 * results, every error code, invalidate and merge, the origin cache; and identity is checked at
 * the handshake and again for every request.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MemoryCache } from '../../src/server/cache/backend.ts'
import { db, USERS } from '../fixtures/app-router.ts'
import { FrameClient, startServer, type RunningServer } from './helpers.ts'
import { resolveUser, sessions, wsRouter } from './ws-router.ts'

let server: RunningServer
const sockets: FrameClient[] = []

beforeAll(async () => {
  server = await startServer(wsRouter, {
    resolveUser,
    csrf: false,
    debug: true,
    onError: () => {},
    cache: { backend: new MemoryCache(), secret: 'ws-test-secret' },
  })
})
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()))
  await server.close()
})
beforeEach(() => db.reset())

async function socketFor(user?: string, extra: Record<string, string> = {}): Promise<FrameClient> {
  const client = await FrameClient.connect(server.wsUrl, { ...(user ? { 'x-test-user': user } : {}), ...extra })
  sockets.push(client)
  return client
}

async function http(fn: string, args: unknown, user?: string) {
  const res = await fetch(`${server.url}/api/mizan/call/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { 'x-test-user': user } : {}) },
    body: JSON.stringify(args === undefined ? { fn } : { fn, args }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

let nextId = 1
async function rpc(socket: FrameClient, fn: string, args?: unknown) {
  const id = `r${nextId++}`
  const reply = await socket.request(args === undefined ? { action: 'rpc', id, fn } : { action: 'rpc', id, fn, args })
  expect(reply.id).toBe(id)
  return reply
}

/** The same request both ways, from the same state. */
async function both(fn: string, args: unknown, user?: string) {
  db.reset()
  const overHttp = await http(fn, args, user)
  db.reset()
  const overWs = await rpc(await socketFor(user), fn, args)
  return { overHttp, overWs }
}

describe('RPC over the socket = RPC over HTTP', () => {
  it.each([
    ['a plain result', 'echo', { text: 'hé ✓' }, undefined],
    ['a computed result', 'add', { a: 2, b: 3 }, undefined],
    ['a lax-coerced argument', 'add', { a: '2', b: 3 }, undefined],
    ['a null result', 'nothing', {}, undefined],
    ['a list result', 'list_items', undefined, undefined],
    ['an authenticated call', 'whoami', {}, 'alice'],
    ['a staff call', 'staff_only', {}, 'sam'],
    ['invalidate, scoped to the args', 'update_profile', { user_id: 1, name: 'Ally' }, undefined],
    ['invalidate of two contexts', 'touch_everything', { user_id: 2 }, undefined],
    ['invalidate through a member reference', 'touch_profile', { user_id: 3 }, undefined],
    ['invalidate of a plain function', 'touch_items', {}, undefined],
    ['merge into the matching slot', 'rename_user', { user_id: 1, name: 'Ally' }, undefined],
  ])('%s', async (_what, fn, args, user) => {
    const { overHttp, overWs } = await both(fn, args, user)
    expect(overHttp.status).toBe(200)
    expect(overWs.ok).toBe(true)
    expect(overWs.data).toEqual(overHttp.body)
  })

  it('carries invalidate and merge in the reply, as the reference does', async () => {
    const { overWs } = await both('rename_user', { user_id: 1, name: 'Ally' })
    expect(overWs.data).toEqual({
      result: { user_id: 1, name: 'Ally' },
      merge: [{ context: 'user', slot: 'user_profile', value: { user_id: 1, name: 'Ally' }, params: { user_id: 1 } }],
    })
    const touched = await both('touch_everything', { user_id: 2 })
    expect(touched.overWs.data.invalidate).toEqual([{ context: 'user', params: { user_id: 2 } }, 'global'])
  })

  it.each([
    ['BAD_REQUEST', 400, 'add', [1, 2], undefined],
    ['UNAUTHORIZED', 401, 'whoami', {}, undefined],
    ['FORBIDDEN (auth)', 403, 'staff_only', {}, 'alice'],
    ['FORBIDDEN (predicate)', 403, 'permission_check_fn', {}, 'sam'],
    ['FORBIDDEN (private)', 403, 'secret_fn', {}, 'root'],
    ['NOT_FOUND', 404, 'no_such_fn', {}, undefined],
    ['VALIDATION_ERROR', 422, 'add', { a: 'x' }, undefined],
    ['INTERNAL_ERROR', 500, 'buggy_fn', {}, undefined],
    ['NOT_IMPLEMENTED', 501, 'not_implemented_fn', {}, undefined],
  ])('%s: the same envelope (minus the `error: true` flag)', async (_code, status, fn, args, user) => {
    const { overHttp, overWs } = await both(fn, args, user)
    expect(overHttp.status).toBe(status)
    const { error: flag, ...envelope } = overHttp.body
    expect(flag).toBe(true)
    expect(overWs).toEqual({ id: overWs.id, ok: false, error: envelope })
  })

  it('answers a missing fn and a missing id with the reference frames', async () => {
    const socket = await socketFor()
    expect(await socket.request({ action: 'rpc', id: 'm', args: {} })).toEqual({ id: 'm', ok: false, error: { code: 'BAD_REQUEST', message: "Missing 'fn' field" } })
    expect(await socket.request({ action: 'rpc', fn: 'echo', args: { text: 'x' } })).toEqual({ error: "RPC request missing 'id' field" })
    // Numeric ids come back numeric.
    expect(await socket.request({ action: 'rpc', id: 7, fn: 'ping' })).toEqual({ id: 7, ok: true, data: { result: { pong: true } } })
  })

  it("in 'websocket-only' mode (the reference's), other functions are HTTP-only", async () => {
    const strict = await startServer(wsRouter, { resolveUser, rpc: 'websocket-only', onError: () => {} })
    const socket = await FrameClient.connect(strict.wsUrl)
    try {
      expect(await socket.request({ action: 'rpc', id: '1', fn: 'echo', args: { text: 'x' } })).toEqual({
        id: '1',
        ok: false,
        error: { code: 'FORBIDDEN', message: 'This function is HTTP-only. Use POST /api/mizan/call/ instead.' },
      })
      expect(await socket.request({ action: 'rpc', id: '2', fn: 'bump_counter' })).toMatchObject({ id: '2', ok: true })
    } finally {
      await socket.close()
      await strict.close()
    }
  })
})

describe('context reads over the socket', () => {
  async function httpCtx(name: string, query: string, user?: string) {
    const res = await fetch(`${server.url}/api/mizan/ctx/${name}/${query}`, { headers: user ? { 'x-test-user': user } : {} })
    return { status: res.status, cache: res.headers.get('x-mizan-cache'), body: (await res.json()) as Record<string, unknown> }
  }

  it.each([
    ['user', '?user_id=1&limit=2', { user_id: 1, limit: 2 }, undefined],
    ['global', '', {}, 'alice'],
    ['user', '', {}, undefined],
    ['user', '?user_id=99', { user_id: 99 }, undefined],
    ['broken', '', {}, undefined],
    ['members', '', {}, undefined],
    ['nope', '', {}, undefined],
  ])('%s %s: the same bundle or error', async (name, query, params, user) => {
    const overHttp = await httpCtx(name, query, user)
    const reply = await (await socketFor(user)).request({ action: 'ctx', id: 'c', context: name, params })
    if (overHttp.status === 200) expect(reply).toEqual({ id: 'c', ok: true, data: overHttp.body })
    else {
      const { error: _flag, ...envelope } = overHttp.body
      expect(reply).toEqual({ id: 'c', ok: false, error: envelope })
    }
  })

  it('shares the origin cache with HTTP, and a socket mutation purges it', async () => {
    await httpCtx('user', '?user_id=2', undefined)
    expect((await httpCtx('user', '?user_id=2')).cache).toBe('HIT')
    const socket = await socketFor()
    expect((await rpc(socket, 'rename_user', { user_id: 2, name: 'Samwise' })).ok).toBe(true)
    const after = await httpCtx('user', '?user_id=2')
    expect(after.cache).toBe('MISS')
    expect(after.body['user_profile']).toEqual({ user_id: 2, name: 'Samwise' })
    // A socket read of the same params is served from the entry HTTP just stored.
    expect((await socket.request({ action: 'ctx', id: 'c2', context: 'user', params: { user_id: 2 } })).data.user_profile.name).toBe('Samwise')
  })
})

describe('identity', () => {
  it('reads the subprotocol mizan.token.<token> as a Bearer token at the handshake, and selects only `mizan`', async () => {
    const socket = await FrameClient.connect(server.wsUrl, {}, ['mizan', 'mizan.token.token-sam'])
    sockets.push(socket)
    expect(socket.socket.protocol).toBe('mizan')
    expect((await rpc(socket, 'whoami', {})).data.result).toEqual({ id: 2, username: 'sam' })
  })

  it('the token in the URL: ?token= is ignored unless the server opts in with queryToken (issue 24, finding 4)', async () => {
    const socket = await FrameClient.connect(`${server.wsUrl}?token=token-sam`)
    sockets.push(socket)
    expect((await rpc(socket, 'whoami', {})).error).toMatchObject({ code: 'UNAUTHORIZED' })
    const legacy = await startServer(wsRouter, { resolveUser, queryToken: true, onError: () => {} })
    try {
      const viaQuery = await FrameClient.connect(`${legacy.wsUrl}?token=token-sam`)
      expect((await rpc(viaQuery, 'whoami', {})).data.result).toEqual({ id: 2, username: 'sam' })
      await viaQuery.close()
    } finally {
      await legacy.close()
    }
  })

  it('refuses the handshake (401, the flat envelope) when a presented token does not verify', async () => {
    const refused = await FrameClient.connect(server.wsUrl, {}, ['mizan', 'mizan.token.forged']).then(
      () => undefined,
      (error: { status?: number; body?: string }) => error,
    )
    expect(refused?.status).toBe(401)
    expect(JSON.parse(refused?.body ?? '{}')).toEqual({ error: true, code: 'UNAUTHORIZED', message: 'Invalid or expired token' })
    // The server keeps serving.
    expect((await rpc(await socketFor(), 'ping')).ok).toBe(true)
  })

  it('re-resolves the session for every call and every subscribe: a logout takes effect mid-connection', async () => {
    sessions.set('s-alice', USERS['alice']!)
    const socket = await socketFor(undefined, { cookie: 'sid=s-alice' })
    expect((await rpc(socket, 'whoami', {})).data.result.username).toBe('alice')
    expect(await socket.request({ action: 'subscribe', channel: 'inbox', params: { user_id: 1 } })).toEqual({ subscribed: true, channel: 'inbox', params: { user_id: 1 } })
    sessions.delete('s-alice')
    expect((await rpc(socket, 'whoami', {})).error).toEqual({ code: 'UNAUTHORIZED', message: 'Authentication required' })
    await socket.request({ action: 'unsubscribe', channel: 'inbox', params: { user_id: 1 } })
    expect(await socket.request({ action: 'subscribe', channel: 'inbox', params: { user_id: 1 } })).toEqual({ error: 'Not authorized', channel: 'inbox' })
  })

  it('refuses a cross-site socket that would ride a cookie session, and allows the same origin', async () => {
    const host = new URL(server.url).host
    const crossSite = await FrameClient.connect(server.wsUrl, { cookie: 'sid=x', origin: 'https://evil.example' }).then(
      () => undefined,
      (error: { status?: number }) => error,
    )
    expect(crossSite?.status).toBe(403)
    const sameSite = await FrameClient.connect(server.wsUrl, { cookie: 'sid=x', origin: `http://${host}` })
    sockets.push(sameSite)
    expect((await rpc(sameSite, 'ping')).ok).toBe(true)
  })
})
