import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createMizanClient, hasErrorCode, MizanError, type FetchLike } from '../../src/client/index.ts'
import { untyped } from '../../src/client/types.ts'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { appRouter, db, type AppRouter } from '../fixtures/app-router.ts'
import { BASE_URL, createTestServer, jsonResponse, resolveTestUser } from './test-server.ts'

/** Run a promise that must fail and hand back its MizanError. */
async function failure(promise: Promise<unknown>): Promise<MizanError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(MizanError)
  return error as MizanError
}

function clientFor(fetch: FetchLike, extra: { headers?: HeadersInit; retry?: { context?: number; baseDelayMs?: number } } = {}) {
  return createMizanClient<AppRouter>({ baseUrl: BASE_URL, fetch, csrf: false, retry: { baseDelayMs: 1 }, ...extra })
}

beforeEach(() => db.reset())

describe('calls against the real dispatcher (in-process fetch)', () => {
  it('posts {fn, args} with the wire name and returns result, invalidate and merge', async () => {
    const server = createTestServer({ csrf: false })
    const client = clientFor(server.fetch)
    const outcome = await client.call('echo', { text: 'héllo' })
    expect(outcome).toEqual({ result: { message: 'héllo' }, invalidate: [], merge: [] })
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/api/mizan/call/', body: { fn: 'echo', args: { text: 'héllo' } } })

    await client.call('listItems')
    expect(server.requests[1]?.body).toEqual({ fn: 'list_items', args: {} })
  })

  it('returns invalidate and merge entries from the body', async () => {
    const server = createTestServer({ csrf: false })
    const client = clientFor(server.fetch)
    const updated = await client.call('updateProfile', { user_id: 2, name: 'Samantha' })
    expect(updated.invalidate).toEqual([{ context: 'user', params: { user_id: 2 } }])
    const renamed = await client.call('renameUser', { user_id: 1, name: 'Al' })
    expect(renamed.merge).toEqual([{ context: 'user', slot: 'user_profile', value: { user_id: 1, name: 'Al' }, params: { user_id: 1 } }])
    expect((await client.call('touchItems')).invalidate).toEqual([{ function: 'list_items' }])
  })

  it('sends per-call headers', async () => {
    const server = createTestServer({ csrf: false })
    const client = clientFor(server.fetch, { headers: { 'X-Test-User': 'sam' } })
    expect((await client.call('whoami')).result).toEqual({ id: 2, username: 'sam' })
    expect((await client.call('whoami', undefined, { headers: { 'X-Test-User': 'alice' } })).result).toEqual({ id: 1, username: 'alice' })
  })
})

describe('contexts', () => {
  it('GETs the bundle keyed by wire name, params as strings coerced by the server', async () => {
    const server = createTestServer()
    const client = clientFor(server.fetch)
    const bundle = await client.context('user', { user_id: 1, limit: 2 })
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/ctx/user/?limit=2&user_id=1'])
    expect(bundle).toEqual({
      user_profile: { user_id: 1, name: 'Alice' },
      user_posts: [
        { id: 100, title: 'post 0' },
        { id: 101, title: 'post 1' },
      ],
    })
  })

  it('skips undefined params and needs none for global', async () => {
    const server = createTestServer()
    const client = clientFor(server.fetch, { headers: { 'X-Test-User': 'alice' } })
    await client.context('user', { user_id: 2, limit: undefined })
    expect(await client.context('global')).toEqual({ current_user: { id: 1, username: 'alice' }, site_config: { name: 'Fixture', version: 1 } })
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/ctx/user/?user_id=2', '/api/mizan/ctx/global/'])
  })
})

describe('every failure is a MizanError with the server code, status and details', () => {
  const server = createTestServer({ csrf: false })
  const client = clientFor(server.fetch)

  it.each([
    ['NOT_FOUND', 404, () => untyped(client).call('doesNotExist'), 'Function not found'],
    ['FORBIDDEN', 403, () => untyped(client).call('secretFn'), 'Function is not client-callable'],
    ['UNAUTHORIZED', 401, () => client.call('whoami'), 'Authentication required'],
    ['FORBIDDEN', 403, () => client.call('staffOnly', undefined, { headers: { 'X-Test-User': 'alice' } }), 'Staff access required'],
    ['FORBIDDEN', 403, () => client.call('permissionCheckFn', undefined, { headers: { 'X-Test-User': 'sam' } }), 'Access denied'],
    ['INTERNAL_ERROR', 500, () => client.call('buggyFn'), 'An internal error occurred'],
    ['NOT_IMPLEMENTED', 501, () => client.call('notImplementedFn'), 'not yet'],
    ['NOT_FOUND', 404, () => client.context('user', { user_id: 99 }), 'User 99 not found'],
  ] as const)('%s (%i)', async (code, status, run, message) => {
    const error = await failure(run())
    expect(error).toMatchObject({ code, status, message })
  })

  it('VALIDATION_ERROR carries fieldErrors', async () => {
    const error = await failure(client.call('add', { a: 1.5, b: 2 }))
    expect(error.code).toBe('VALIDATION_ERROR')
    expect(error.status).toBe(422)
    if (hasErrorCode(error, 'VALIDATION_ERROR')) expect(Object.keys(error.fieldErrors)).toEqual(['a'])
    const missing = await failure(untyped(client).context('user', {}))
    expect(missing.fieldErrors).toEqual({ user_id: ['Field required'] })
  })

  it('reads the nested envelope too', async () => {
    const nested = clientFor(async () =>
      jsonResponse(422, { error: { code: 'VALIDATION_ERROR', message: 'Bad input', details: { fields: { text: ['too short'] } } } }),
    )
    const error = await failure(nested.call('echo', { text: '' }))
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', status: 422, message: 'Bad input' })
    expect(error.fieldErrors).toEqual({ text: ['too short'] })
  })

  it('maps bodies that are not an envelope by status, and falls back to HTTP_<status>', async () => {
    const html = clientFor(async () => new Response('<h1>403 Forbidden</h1>CSRF verification failed.', { status: 403, headers: { 'Content-Type': 'text/html' } }))
    expect(await failure(html.call('ping'))).toMatchObject({ code: 'FORBIDDEN', status: 403 })
    const proxy = clientFor(async () => jsonResponse(502, { detail: 'bad gateway' }), { retry: { context: 0 } })
    expect(await failure(proxy.context('global'))).toMatchObject({ code: 'HTTP_502', status: 502 })
  })

  it('reports a 2xx that is not the expected JSON as INVALID_RESPONSE', async () => {
    const notJson = clientFor(async () => new Response('<html>', { status: 200 }))
    expect((await failure(notJson.call('ping'))).code).toBe('INVALID_RESPONSE')
    const noResult = clientFor(async () => jsonResponse(200, { value: 1 }))
    expect((await failure(noResult.call('ping'))).code).toBe('INVALID_RESPONSE')
    expect((await failure(clientFor(async () => jsonResponse(200, [1, 2])).context('global'))).code).toBe('INVALID_RESPONSE')
  })

  it('reports a fetch that throws as NETWORK_ERROR', async () => {
    const down = clientFor(async () => {
      throw new TypeError('fetch failed')
    })
    expect(await failure(down.call('ping'))).toMatchObject({ code: 'NETWORK_ERROR', status: 0 })
  })

  it('rejects with ABORTED when the signal fires, even if the fetch ignores it', async () => {
    const hanging = clientFor(() => new Promise<Response>(() => {}))
    const controller = new AbortController()
    const pending = hanging.call('ping', undefined, { signal: controller.signal })
    controller.abort()
    expect((await failure(pending)).code).toBe('ABORTED')
    expect((await failure(hanging.context('global', undefined, { signal: AbortSignal.abort() }))).code).toBe('ABORTED')
  })
})

describe('retries', () => {
  function flaky(failures: number, answer: () => Response) {
    const server = createTestServer()
    let attempts = 0
    const fetch: FetchLike = async (url, init) => (++attempts <= failures ? answer() : server.fetch(url, init))
    return { fetch, attempts: () => attempts }
  }

  it('retries a context read twice on 5xx, then succeeds', async () => {
    const { fetch, attempts } = flaky(2, () => new Response('Service Unavailable', { status: 503 }))
    expect(await clientFor(fetch).context('user', { user_id: 1, limit: 1 })).toHaveProperty('user_profile', { user_id: 1, name: 'Alice' })
    expect(attempts()).toBe(3)
  })

  it('gives up after the configured attempts with the last error', async () => {
    const { fetch, attempts } = flaky(5, () => new Response('nope', { status: 502 }))
    expect((await failure(clientFor(fetch).context('global'))).code).toBe('HTTP_502')
    expect(attempts()).toBe(3)
    const once = flaky(5, () => new Response('nope', { status: 502 }))
    await failure(clientFor(once.fetch, { retry: { context: 0 } }).context('global'))
    expect(once.attempts()).toBe(1)
  })

  it('retries network errors and the real server 500, but never 4xx', async () => {
    const { fetch, attempts } = flaky(1, () => {
      throw new TypeError('socket hang up')
    })
    await clientFor(fetch).context('global')
    expect(attempts()).toBe(2)

    const server = createTestServer()
    expect((await failure(clientFor(server.fetch).context('broken'))).code).toBe('INTERNAL_ERROR')
    expect(server.count('/api/mizan/ctx/broken/')).toBe(3)
    expect((await failure(clientFor(server.fetch).context('user', { user_id: 42 }))).code).toBe('NOT_FOUND')
    expect(server.count('/api/mizan/ctx/user/?user_id=42')).toBe(1)
  })

  it('never retries a call', async () => {
    const { fetch, attempts } = flaky(5, () => new Response('down', { status: 503 }))
    expect((await failure(clientFor(fetch).call('ping'))).code).toBe('HTTP_503')
    expect(attempts()).toBe(1)
    const server = createTestServer({ csrf: false })
    await failure(clientFor(server.fetch).call('buggyFn'))
    expect(server.calls('buggy_fn')).toBe(1)
  })

  it('stops backing off when aborted', async () => {
    const { fetch, attempts } = flaky(5, () => new Response('down', { status: 503 }))
    const controller = new AbortController()
    const pending = clientFor(fetch, { retry: { baseDelayMs: 10_000 } }).context('global', undefined, { signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    expect((await failure(pending)).code).toBe('ABORTED')
    expect(attempts()).toBe(1)
  })
})

describe('over real HTTP (node:http on 127.0.0.1, global fetch)', () => {
  const servers: Server[] = []
  async function listen(server: Server): Promise<string> {
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }
  let origin = ''
  beforeAll(async () => {
    origin = await listen(createServer(createNodeHandler(appRouter, { resolveUser: resolveTestUser, onError: () => {} })))
  })
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('bootstraps CSRF through real cookies, then calls, reads contexts and gets typed errors', async () => {
    const client = createMizanClient<AppRouter>({ baseUrl: `${origin}/api/mizan/`, headers: () => ({ 'X-Test-User': 'alice' }) })
    expect(client.baseUrl).toBe(`${origin}/api/mizan`)
    expect((await client.call('echo', { text: 'over the wire' })).result).toEqual({ message: 'over the wire' })
    const updated = await client.call('updateProfile', { user_id: 1, name: 'Alicia' })
    expect(updated.invalidate).toEqual([{ context: 'user', params: { user_id: 1 } }])
    expect(await client.context('user', { user_id: 1, limit: 0 })).toEqual({ user_profile: { user_id: 1, name: 'Alicia' }, user_posts: [] })
    expect(await failure(client.call('staffOnly'))).toMatchObject({ code: 'FORBIDDEN', status: 403 })
  })

  it('without the CSRF bootstrap the server refuses the POST', async () => {
    const client = createMizanClient<AppRouter>({ baseUrl: `${origin}/api/mizan`, csrf: { bootstrap: false } })
    expect(await failure(client.call('ping'))).toMatchObject({ code: 'FORBIDDEN', message: 'CSRF verification failed: CSRF cookie not set' })
  })

  it('aborts a request the server never answers', async () => {
    const silent = await listen(createServer(() => {}))
    const client = createMizanClient<AppRouter>({ baseUrl: `${silent}/api/mizan`, csrf: false })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 30)
    expect((await failure(client.call('ping', undefined, { signal: controller.signal }))).code).toBe('ABORTED')
  })

  it('maps a refused connection to NETWORK_ERROR', async () => {
    const closed = createServer()
    const address = await listen(closed)
    closed.close()
    const client = createMizanClient<AppRouter>({ baseUrl: `${address}/api/mizan`, csrf: false, retry: { context: 0 } })
    expect((await failure(client.context('global'))).code).toBe('NETWORK_ERROR')
  })
})
