/**
 * Our framework-free kernel (Node) against the live Django backend on django-izana 1.1.0:
 * plain calls, context bundles with params, and the session/CSRF bootstrap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient, MizanError, type MizanClient } from '../../../src/client/index.ts'
import type { izanaFixtureRouter } from '../replay/izana-fixture-router.ts'
import { countingFetch, SESSIONS, startPythonBackend, type PythonBackend } from './python-backend.ts'

type Fixture = typeof izanaFixtureRouter

let backend: PythonBackend
beforeAll(async () => {
  backend = await startPythonBackend()
})
afterAll(async () => {
  await backend?.stop()
})

function client(options: Partial<Parameters<typeof createMizanClient<Fixture>>[0]> = {}) {
  const traffic = countingFetch()
  const api: MizanClient<Fixture> = createMizanClient<Fixture>({ dialect: 'izana', baseUrl: backend.baseUrl, fetch: traffic.fetch, ...options })
  return { api, traffic }
}

describe('kernel → Python: plain calls', () => {
  it('returns results as the backend shapes them, with no cache effects', async () => {
    const { api } = client()
    expect(await api.call('echo', { text: 'hello' })).toEqual({ result: { message: 'hello' }, invalidate: [], merge: [] })
    expect((await api.call('echo', { text: 'café 日本 😀' })).result).toEqual({ message: 'café 日本 😀' })
    expect((await api.call('add', { a: 2, b: 40 })).result).toEqual({ result: 42 })
    expect((await api.call('ping')).result).toEqual({ result: 'pong' })
    expect((await api.call('nothing')).result).toEqual({ result: null })
    expect((await api.call('listItems')).result).toEqual([
      { id: 1, name: 'first', tags: ['a'] },
      { id: 2, name: 'second', tags: [] },
    ])
    expect((await api.call('maybeItem', { found: true })).result).toEqual({ id: 7, name: 'seven', tags: [] })
    expect((await api.call('maybeItem', { found: false })).result).toBeNull()
    expect((await api.call('typedArgs', { flag: true, ratio: 1.5, tags: ['x'], item: { id: 3, name: 'three' } })).result).toEqual({
      result: { flag: true, ratio: 1.5, tags: ['x'], item: { id: 3, name: 'three', tags: [] }, note: null },
    })
  })

  it('uses the Izana wire names and mount', async () => {
    const { api, traffic } = client()
    await api.call('listItems')
    const sent = traffic.log.find((r) => r.method === 'POST')!
    expect(sent.path).toBe('/api/izana/call/')
    expect(api.wireName('listItems')).toBe('list_items')
    expect(api.dialect).toBe('izana')
  })
})

describe('kernel → Python: context bundles', () => {
  it('fetches the global bundle (sorted, wire-keyed), anonymous and with a session', async () => {
    const anon = client().api
    expect(await anon.context('global')).toEqual({
      current_user: { authenticated: false, id: null, username: null },
      site_config: { site_name: 'Interop Fixture', version: 2 },
    })
    const alice = client({ headers: { Cookie: `sessionid=${SESSIONS.alice}` } }).api
    expect((await alice.context('global'))['current_user']).toEqual({ authenticated: true, id: 1, username: 'alice' })
  })

  it('passes params, each member taking the ones it declares', async () => {
    const { api, traffic } = client()
    expect(await api.context('user', { user_id: 2 })).toEqual({
      user_posts: [
        { id: 201, title: 'post 1 of 2' },
        { id: 202, title: 'post 2 of 2' },
        { id: 203, title: 'post 3 of 2' },
      ],
      user_profile: { name: 'Sam', user_id: 2 },
      user_stats: { users: 3 },
    })
    expect((await api.context('user', { user_id: 1, limit: 1 }))['user_posts']).toEqual([{ id: 101, title: 'post 1 of 1' }])
    expect(await api.context('search', { q: 'café & co/日;=,', page: 3 })).toEqual({
      search_results: { hits: ['café & co/日;=,#3'], page: 3, q: 'café & co/日;=,' },
    })
    expect(await api.context('search', { q: 'x' })).toEqual({ search_results: { hits: ['x#1'], page: 1, q: 'x' } })
    expect(traffic.contextReads()).toEqual([
      'user?user_id=2',
      'user?limit=1&user_id=1',
      'search?page=3&q=caf%C3%A9+%26+co%2F%E6%97%A5%3B%3D%2C',
      'search?q=x',
    ])
  })

  it('reads the origin cache the backend keeps in Redis (MISS, then HIT with the same bundle)', async () => {
    const { api } = client()
    const first = await api.context('counter')
    const second = await api.context('counter')
    expect(second).toEqual(first)
    const raw = await fetch(`${backend.baseUrl}/ctx/counter/`)
    expect(raw.headers.get('x-izana-cache')).toBe('HIT')
    expect(await api.context('nocache')).not.toEqual(await api.context('nocache'))
  })
})

describe('kernel → Python: session and CSRF', () => {
  it('bootstraps once: GET session/, then the POST echoes the csrftoken cookie in X-CSRFToken', async () => {
    const { api, traffic } = client()
    await Promise.all([api.call('echo', { text: 'a' }), api.call('echo', { text: 'b' }), api.call('ping')])
    await api.call('echo', { text: 'c' })
    expect(traffic.sessions()).toBe(1)
    expect(traffic.log[0]!.path).toBe('/api/izana/session/')
    const posts = traffic.log.filter((r) => r.method === 'POST')
    expect(posts).toHaveLength(4)
    for (const post of posts) {
      const cookie = /(?:^|; )csrftoken=([^;]+)/.exec(post.headers.get('cookie') ?? '')?.[1]
      expect(cookie).toMatch(/^[A-Za-z0-9]{32}$/)
      expect(post.headers.get('x-csrftoken')).toBe(cookie)
    }
  })

  it('session() returns Django\'s masked token, which the backend accepts in place of the secret', async () => {
    const { api, traffic } = client({ csrf: { bootstrap: false } })
    const token = await api.session()
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/)
    const outcome = await api.call('echo', { text: 'masked' }, { headers: { 'X-CSRFToken': token } })
    expect(outcome.result).toEqual({ message: 'masked' })
    expect(traffic.sessions()).toBe(1)
  })

  it('keeps the session cookie next to the CSRF cookie: a logged-in user calls auth functions', async () => {
    const { api, traffic } = client({ headers: { Cookie: `sessionid=${SESSIONS.sam}` } })
    expect((await api.call('staffOnly')).result).toMatchObject({ id: 2, username: 'sam', is_staff: true, user_class: 'User' })
    const post = traffic.log.find((r) => r.method === 'POST')!
    expect(post.headers.get('cookie')).toMatch(new RegExp(`^sessionid=${SESSIONS.sam}; csrftoken=`))
  })

  it("turns Django's HTML 403 on a CSRF failure into MizanError FORBIDDEN (issue #28)", async () => {
    const noCsrf = client({ csrf: false })
    const missing = await noCsrf.api.call('echo', { text: 'x' }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(MizanError)
    expect(missing).toMatchObject({ code: 'FORBIDDEN', status: 403 })
    expect(noCsrf.traffic.sessions()).toBe(0)

    // Cookie present (from session/), header absent.
    await noCsrf.api.session()
    const cookieOnly = await noCsrf.api.call('echo', { text: 'x' }).catch((e: unknown) => e)
    expect(cookieOnly).toMatchObject({ code: 'FORBIDDEN', status: 403 })

    // Cookie and header disagree.
    const { api } = client()
    await api.call('ping') // bootstraps the cookie
    const mismatch = await api.call('ping', undefined, { headers: { 'X-CSRFToken': 'WrongCsrfSecret0123456789abcdefg' } }).catch((e: unknown) => e)
    expect(mismatch).toBeInstanceOf(MizanError)
    expect(mismatch).toMatchObject({ code: 'FORBIDDEN', status: 403 })

    // The raw answer really is Django's HTML page, not a JSON envelope.
    const raw = await fetch(`${backend.baseUrl}/call/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"fn":"ping"}' })
    expect(raw.status).toBe(403)
    expect(raw.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await raw.text()).toContain('CSRF verification failed')
  })
})
