import superjson from 'superjson'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createMizanClient, type FetchLike } from '../../src/client/index.ts'
import { superjsonTransformer } from '../../src/client/superjson.ts'
import { parseInvalidateHeader } from '../../src/shared/invalidate-header.ts'
import { createMizan, markTokenAuthenticated } from '../../src/server/index.ts'
import { USERS, type AppRouter } from '../fixtures/app-router.ts'
import { BASE_URL, createTestServer } from './test-server.ts'

const { defineClient, createRouter } = createMizan()
const DAY = 86_400_000
// Defined one by one, as in the fixture: inline in createRouter({...}) the literal types widen.
const shift = defineClient({ input: z.object({ at: z.date(), days: z.number() }) }, ({ at, days }) => ({
  at: new Date(at.getTime() + days * DAY),
  tags: new Set(['moved']),
}))
const clock = defineClient({ context: 'clock' }, () => ({ now: new Date('2024-02-29T12:00:00Z') }))
const legacy = defineClient({ name: 'old_legacy_name' }, () => ({ ok: true }))
const richRouter = createRouter({ shift, clock, legacy })
type RichRouter = typeof richRouter

describe('CSRF bootstrap (server in its default "always" mode)', () => {
  it('GETs session/ once, then sends the cookie and the X-CSRFToken header on every call', async () => {
    const server = createTestServer()
    const client = createMizanClient<AppRouter>({ baseUrl: BASE_URL, fetch: server.fetch })
    await Promise.all([client.call('ping'), client.call('echo', { text: 'a' })])
    await client.call('add', { a: 1, b: 2 })
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/mizan/session/',
      'POST /api/mizan/call/',
      'POST /api/mizan/call/',
      'POST /api/mizan/call/',
    ])
    const token = /csrftoken=(\w+)/.exec(server.requests[1]?.headers.get('cookie') ?? '')?.[1]
    expect(token).toMatch(/^\w{32,64}$/)
    for (const request of server.requests.slice(1)) {
      expect(request.headers.get('cookie')).toContain(`csrftoken=${token}`)
      expect(request.headers.get('x-csrftoken')).toBe(token)
    }
  })

  it('session() returns the token, and a custom header name is honoured', async () => {
    const server = createTestServer({ csrf: false })
    const client = createMizanClient<AppRouter>({ baseUrl: BASE_URL, fetch: server.fetch, csrf: { headerName: 'X-Custom-Csrf' } })
    const token = await client.session()
    await client.call('ping')
    // The session answer is Django's masked token; the cookie, preferred when readable, holds the secret it masks.
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/)
    const cookie = /csrftoken=(\w+)/.exec(server.requests[1]?.headers.get('cookie') ?? '')?.[1]
    expect(server.requests[1]?.headers.get('x-custom-csrf')).toBe(cookie)
    expect(server.requests.filter((r) => r.path.endsWith('/session/'))).toHaveLength(1)
  })

  it('skips the bootstrap when a token header makes the request CSRF-exempt', async () => {
    // Exempt only when a token actually authenticates the request: this server's resolver verifies 'opaque'.
    const server = createTestServer({
      resolveUser: (req) => {
        if (req.headers.get('x-mizan-token') !== 'opaque') return null
        markTokenAuthenticated(req)
        return USERS['alice']!
      },
    })
    const client = createMizanClient<AppRouter>({ baseUrl: BASE_URL, fetch: server.fetch, headers: { 'X-Mizan-Token': 'opaque' } })
    await client.call('ping')
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/call/'])
  })
})

describe('X-Mizan-Client (the id live invalidation spares)', () => {
  it('is left off by a client without a socket: no socket can be spared', async () => {
    const server = createTestServer({ csrf: false })
    await createMizanClient<AppRouter>({ baseUrl: BASE_URL, fetch: server.fetch, csrf: false }).call('ping')
    expect(server.requests[0]?.headers.has('x-mizan-client')).toBe(false)
    expect(server.requests[0]?.headers.get('accept')).toBe('application/json')
  })

  it('goes on every call of a client with a socket, with the id the socket announces', async () => {
    const server = createTestServer({ csrf: false })
    let announced: string | undefined
    const client = createMizanClient<AppRouter>({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      csrf: false,
      websocket: {
        connect: (plain, kernel) => {
          announced = kernel.clientId
          return plain
        },
      },
    })
    await client.call('ping')
    await client.call('echo', { text: 'a' })
    expect(announced).toMatch(/^\d+_\d+_\d+_\d+$/)
    expect(server.requests.map((r) => r.headers.get('x-mizan-client'))).toEqual([announced, announced])
  })
})

describe('invalidate from the header', () => {
  /** Drops `invalidate` from every call body, as a Python peer's view-path response would. */
  function headerOnly(fetch: FetchLike): FetchLike {
    return async (url, init) => {
      const response = await fetch(url, init)
      const body = (await response.json()) as Record<string, unknown>
      delete body['invalidate']
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers })
    }
  }

  it('parses X-Mizan-Invalidate when the body has no entries, if asked to (params come back as strings)', async () => {
    const server = createTestServer({ csrf: false })
    const client = createMizanClient<AppRouter>({ baseUrl: BASE_URL, fetch: headerOnly(server.fetch), csrf: false, invalidateHeader: parseInvalidateHeader })
    expect((await client.call('updateProfile', { user_id: 2, name: 'Sammy' })).invalidate).toEqual([{ context: 'user', params: { user_id: '2' } }])
    expect((await client.call('touchEverything', { user_id: 3 })).invalidate).toEqual([{ context: 'user', params: { user_id: '3' } }, 'global'])
    expect((await client.call('touchItems')).invalidate).toEqual([{ function: 'list_items' }])
    expect((await client.call('ping')).invalidate).toEqual([])
  })

  it('reads the Izana spelling under the izana dialect', async () => {
    const server = createTestServer({ csrf: false, dialect: 'izana' })
    const client = createMizanClient<AppRouter>({
      baseUrl: 'http://mizan.test/api/izana',
      dialect: 'izana',
      fetch: headerOnly(server.fetch),
      csrf: false,
      invalidateHeader: parseInvalidateHeader,
    })
    expect((await client.call('refreshUsers')).invalidate).toEqual(['user'])
    expect(server.requests[0]?.path).toBe('/api/izana/call/')
  })

  it('leaves the header alone unless asked to read it', async () => {
    const server = createTestServer({ csrf: false })
    const client = createMizanClient<AppRouter>({ baseUrl: BASE_URL, fetch: headerOnly(server.fetch), csrf: false })
    expect((await client.call('updateProfile', { user_id: 2, name: 'Sammy' })).invalidate).toEqual([])
  })

  it('defaults baseUrl to the dialect prefix', () => {
    expect(createMizanClient<AppRouter>().baseUrl).toBe('/api/mizan')
    expect(createMizanClient<AppRouter>({ dialect: 'izana' }).baseUrl).toBe('/api/izana')
  })
})

describe('superjson transformer', () => {
  it('round-trips a Date (and a Set) through a call, args included', async () => {
    const server = createTestServer({ csrf: false }, richRouter)
    const client = createMizanClient<RichRouter>({ baseUrl: BASE_URL, fetch: server.fetch, csrf: false, transformer: superjsonTransformer(superjson), wireNames: { legacy: 'old_legacy_name' } })
    const at = new Date('2024-01-01T00:00:00Z')
    const { result } = await client.call('shift', { at, days: 2 })
    expect(result.at).toBeInstanceOf(Date)
    expect(result.at.toISOString()).toBe('2024-01-03T00:00:00.000Z')
    expect(result.tags).toEqual(new Set(['moved']))
    expect(server.requests[0]?.headers.get('x-mizan-superjson')).toBe('1')
    expect(server.requests[0]?.body).toMatchObject({ fn: 'shift', args: { at: at.toISOString(), days: 2 }, meta: { values: { at: ['Date'] } } })
  })

  it('deserializes a context bundle with the meta header', async () => {
    const server = createTestServer({}, richRouter)
    const client = createMizanClient<RichRouter>({ baseUrl: BASE_URL, fetch: server.fetch, transformer: superjsonTransformer(superjson), wireNames: { legacy: 'old_legacy_name' } })
    const bundle = await client.context('clock')
    expect((bundle['clock'] as { now: Date }).now).toEqual(new Date('2024-02-29T12:00:00Z'))
  })

  it('without a transformer the Date stays a string', async () => {
    const server = createTestServer({}, richRouter)
    const client = createMizanClient<RichRouter>({ baseUrl: BASE_URL, fetch: server.fetch, wireNames: { legacy: 'old_legacy_name' } })
    expect(await client.context('clock')).toEqual({ clock: { now: '2024-02-29T12:00:00.000Z' } })
  })
})

describe('wire names', () => {
  it('applies the router overrides both ways, and the naming rule otherwise', async () => {
    const server = createTestServer({ csrf: false }, richRouter)
    const client = createMizanClient<RichRouter>({ baseUrl: BASE_URL, fetch: server.fetch, csrf: false, wireNames: { legacy: 'old_legacy_name' } })
    expect((await client.call('legacy')).result).toEqual({ ok: true })
    expect(server.requests[0]?.body?.['fn']).toBe('old_legacy_name')
    expect(client.wireName('legacy')).toBe('old_legacy_name')
    expect(client.keyOf('old_legacy_name')).toBe('legacy')
    const app = createMizanClient<AppRouter>()
    expect(app.wireName('userProfile')).toBe('user_profile')
    expect(app.keyOf('user_profile')).toBe('userProfile')
  })
})
