import { beforeEach, describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { parseCookies } from '../../src/server/http-parts.ts'
import { USERS, appRouter, db } from '../fixtures/app-router.ts'

const reported: unknown[] = []
const handler = createFetchHandler(appRouter, {
  csrf: false,
  onError: (error) => reported.push(error),
  resolveUser: (req) => USERS[req.headers.get('x-test-user') ?? ''] ?? null,
  maxBodyBytes: 4096,
})

async function call(fn: unknown, args?: unknown, headers: Record<string, string> = {}) {
  const res = await handler(
    new Request('http://127.0.0.1/api/mizan/call/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(args === undefined ? { fn } : { fn, args }),
    }),
  )
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }
}

async function ctx(name: string, query = '', headers: Record<string, string> = {}) {
  const res = await handler(new Request(`http://127.0.0.1/api/mizan/ctx/${name}/${query}`, { headers }))
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }
}

beforeEach(() => {
  db.reset()
  reported.length = 0
})

describe('POST /call/', () => {
  it('answers {result} with no-store, and no invalidate/merge keys when empty', async () => {
    const res = await call('echo', { text: 'hi' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ result: { message: 'hi' } })
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('x-mizan-invalidate')).toBeNull()
  })

  it('maps wire names from camelCase keys', async () => {
    expect((await call('list_items')).body['result']).toHaveLength(2)
    expect((await call('listItems')).status).toBe(404)
  })

  it.each([
    ['unknown function', 'nope', {}, 404, 'NOT_FOUND'],
    ['wrong argument type', 'add', { a: 'x', b: 1 }, 422, 'VALIDATION_ERROR'],
    ['missing argument', 'add', { a: 1 }, 422, 'VALIDATION_ERROR'],
    ['args not an object', 'add', [1, 2], 400, 'BAD_REQUEST'],
    ['auth required', 'whoami', {}, 401, 'UNAUTHORIZED'],
    ['private function', 'secret_fn', {}, 403, 'FORBIDDEN'],
    ['unexpected exception', 'buggy_fn', {}, 500, 'INTERNAL_ERROR'],
    ['not implemented', 'not_implemented_fn', {}, 501, 'NOT_IMPLEMENTED'],
  ])('%s → %i %s in the flat envelope', async (_what, fn, args, status, code) => {
    const res = await call(fn, args)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ error: true, code })
    expect(typeof res.body['message']).toBe('string')
  })

  it('lax coercion changes number and boolean params only; string params pass as sent', async () => {
    const { createMizan } = await import('../../src/server/index.ts')
    const { z } = await import('zod')
    const { defineClient, createRouter } = createMizan()
    const router = createRouter({
      typed: defineClient({ input: z.object({ n: z.number(), on: z.boolean(), label: z.string(), note: z.string().optional() }) }, (input) => input),
    })
    const laxHandler = createFetchHandler(router, { csrf: false })
    const post = async (args: unknown) => {
      const res = await laxHandler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn: 'typed', args }) }))
      return (await res.json()) as Record<string, unknown>
    }
    expect(await post({ n: '7', on: 'yes', label: '8' })).toEqual({ result: { n: 7, on: true, label: '8' } })
    expect(await post({ n: true, on: 0, label: 'x', note: '1' })).toEqual({ result: { n: 1, on: false, label: 'x', note: '1' } })
    expect(await post({ n: 1, on: true, label: true })).toMatchObject({ code: 'VALIDATION_ERROR', details: { fields: { label: [expect.any(String)] } } })
  })

  it('reports field errors by name, "Field required" for missing ones', async () => {
    const res = await call('add', {})
    expect(res.body['details']).toEqual({ fields: { a: ['Field required'], b: ['Field required'] } })
  })

  it('hides internals of unexpected exceptions and reports them to onError', async () => {
    const res = await call('buggy_fn')
    expect(JSON.stringify(res.body)).not.toContain('boom')
    expect(reported).toHaveLength(1)
  })

  it('enforces staff, superuser and predicate auth with 403', async () => {
    expect((await call('staff_only', {}, { 'x-test-user': 'alice' })).status).toBe(403)
    expect((await call('staff_only', {}, { 'x-test-user': 'sam' })).status).toBe(200)
    expect((await call('superuser_only', {}, { 'x-test-user': 'sam' })).status).toBe(403)
    expect((await call('superuser_only', {}, { 'x-test-user': 'root' })).status).toBe(200)
    expect((await call('permission_check_fn', {}, { 'x-test-user': 'sam' })).status).toBe(403)
    expect((await call('permission_check_fn', {}, { 'x-test-user': 'alice' })).status).toBe(200)
  })

  it('invalidates broadly when no argument matches a context param', async () => {
    const res = await call('refresh_users')
    expect(res.body['invalidate']).toEqual(['user'])
    expect(res.headers.get('x-mizan-invalidate')).toBe('user')
  })

  it('auto-scopes invalidation by argument names', async () => {
    const res = await call('update_profile', { user_id: 2, name: 'Samuel' })
    expect(res.body['invalidate']).toEqual([{ context: 'user', params: { user_id: 2 } }])
    expect(res.headers.get('x-mizan-invalidate')).toBe('user;user_id=2')
  })

  it('invalidates a list of targets in declaration order', async () => {
    const res = await call('touch_everything', { user_id: 1 })
    expect(res.body['invalidate']).toEqual([{ context: 'user', params: { user_id: 1 } }, 'global'])
    expect(res.headers.get('x-mizan-invalidate')).toBe('user;user_id=1, global')
  })

  it('resolves function-level affects to the member context, or a function entry', async () => {
    expect((await call('touch_profile', { user_id: 3 })).body['invalidate']).toEqual([{ context: 'user', params: { user_id: 3 } }])
    const items = await call('touch_items')
    expect(items.body['invalidate']).toEqual([{ function: 'list_items' }])
    expect(items.headers.get('x-mizan-invalidate')).toBe('fn:list_items')
  })

  it('merges into the member whose output schema matches', async () => {
    const res = await call('rename_user', { user_id: 1, name: 'Ally' })
    expect(res.body).toEqual({
      result: { user_id: 1, name: 'Ally' },
      merge: [{ context: 'user', slot: 'user_profile', value: { user_id: 1, name: 'Ally' }, params: { user_id: 1 } }],
    })
  })

  it('rejects malformed and oversized bodies cleanly and keeps serving', async () => {
    const send = (body: string) =>
      handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body, headers: { 'content-type': 'application/json' } }))
    expect((await send('{nope')).status).toBe(400)
    expect((await send('')).status).toBe(400)
    expect((await send('[1]')).status).toBe(400)
    const big = await send(JSON.stringify({ fn: 'echo', args: { text: 'x'.repeat(10_000) } }))
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ error: true, code: 'BAD_REQUEST' })
    expect((await call('echo', { text: 'still here' })).status).toBe(200)
  })

  it('answers 405 for a wrong method', async () => {
    const res = await handler(new Request('http://127.0.0.1/api/mizan/call/'))
    expect(res.status).toBe(405)
  })
})

describe('GET /ctx/<name>/', () => {
  it('returns the bundle keyed by wire name, members given only their own params, strings coerced', async () => {
    const res = await ctx('user', '?user_id=2&limit=1')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ user_posts: [{ id: 200, title: 'post 0' }], user_profile: { user_id: 2, name: 'Sam' } })
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('fails the whole bundle when one member fails', async () => {
    expect((await ctx('broken')).status).toBe(500)
    expect((await ctx('user', '?user_id=99')).body).toMatchObject({ code: 'NOT_FOUND', message: 'User 99 not found' })
    expect((await ctx('user', '?user_id=abc')).status).toBe(422)
    expect((await ctx('user')).body).toMatchObject({ code: 'VALIDATION_ERROR', details: { fields: { user_id: ['Field required'] } } })
  })

  it('enforces member auth for the bundle', async () => {
    expect((await ctx('members')).status).toBe(401)
    expect((await ctx('members', '', { 'x-test-user': 'alice' })).body).toEqual({ private_ctx: { id: 1 } })
  })

  it('answers 404 for an unknown context, including traversal attempts', async () => {
    expect((await ctx('nope')).body).toMatchObject({ code: 'NOT_FOUND', message: "Context 'nope' not found" })
    expect((await ctx('..%2F..%2Fetc')).status).toBe(404)
  })
})

describe('session and CSRF', () => {
  const strict = createFetchHandler(appRouter, { onError: () => {} })

  it('hands out a CSRF cookie and token, and requires them on POST', async () => {
    const session = await strict(new Request('http://127.0.0.1/api/mizan/session/'))
    const { csrfToken } = (await session.json()) as { csrfToken: string }
    const cookie = parseCookies(session.headers.get('set-cookie'))['csrftoken']!
    // As Django: the cookie keeps the 32-character secret, the body hands out a masked 64-character token.
    expect(cookie).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(csrfToken).toMatch(/^[A-Za-z0-9]{64}$/)
    const post = (headers: Record<string, string>) =>
      strict(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers, body: '{"fn":"ping"}' }))
    expect((await post({})).status).toBe(403)
    expect((await post({ cookie: `csrftoken=${cookie}`, 'x-csrftoken': 'wrong' })).status).toBe(403)
    expect((await post({ cookie: `csrftoken=${cookie}`, 'x-csrftoken': csrfToken })).status).toBe(200)
    expect((await post({ cookie: `csrftoken=${cookie}`, 'x-csrftoken': cookie })).status).toBe(200)
    // A token header that nothing verified exempts nothing (issue 24, finding 5).
    expect((await post({ 'x-mizan-token': 'anything' })).status).toBe(403)
  })
})

describe('view functions', () => {
  it('are mounted at their route and answer with their raw response', async () => {
    const res = await handler(new Request('http://127.0.0.1/api/mizan/profile/7/'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(await res.text()).toBe('<h1>profile 7</h1>')
    expect((await handler(new Request('http://127.0.0.1/api/mizan/profile/7/', { method: 'DELETE' }))).status).toBe(405)
  })
})

describe('response headers from handlers', () => {
  it('adds ctx.responseHeaders to the reply, keeping several Set-Cookie apart', async () => {
    const { createRouter, defineClient } = await import('../../src/server/index.ts')
    const router = createRouter({
      login: defineClient({}, (_input, ctx) => {
        ctx.responseHeaders.append('Set-Cookie', 'a=1; Path=/')
        ctx.responseHeaders.append('Set-Cookie', 'b=2; Path=/')
        ctx.responseHeaders.set('X-Extra', 'yes')
        return { ok: true }
      }),
    })
    const res = await createFetchHandler(router, { csrf: false })(
      new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: '{"fn":"login"}' }),
    )
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
    expect(res.headers.get('x-extra')).toBe('yes')
    expect(await res.json()).toEqual({ result: { ok: true } })
  })
})

describe('context bundles with synchronous and async members', () => {
  it('runs the members in declaration order, orders by wire name, and stops at the first failing member (issue #28)', async () => {
    const { createMizan } = await import('../../src/server/index.ts')
    const { z } = await import('zod')
    const { defineClient, createRouter } = createMizan()
    const ran: string[] = []
    const { MizanError } = await import('../../src/shared/errors.ts')
    const member = (name: string, fail: false | 'FORBIDDEN' | 'NOT_FOUND', wait = 0) =>
      defineClient({ context: 'mixed', input: z.object({ n: z.number() }) }, async ({ n }) => {
        if (wait) await new Promise((r) => setTimeout(r, wait))
        ran.push(name)
        if (fail) throw new MizanError(fail, `${name} failed`)
        return n
      })
    const syncMember = defineClient({ context: 'mixed', input: z.object({ n: z.number() }) }, ({ n }) => {
      ran.push('sync')
      return n * 2
    })
    const ok = createRouter({ zeta: member('zeta', false, 5), alpha: syncMember, mid: member('mid', false) })
    const okHandler = createFetchHandler(ok, { csrf: false })
    const res = await okHandler(new Request('http://127.0.0.1/api/mizan/ctx/mixed/?n=3'))
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('{"alpha":6,"mid":3,"zeta":3}')
    expect(ran).toEqual(['zeta', 'sync', 'mid'])

    ran.length = 0
    const failing = createRouter({ slowFail: member('slow_fail', 'FORBIDDEN', 5), quickFail: member('quick_fail', 'NOT_FOUND'), alpha: syncMember })
    const failHandler = createFetchHandler(failing, { csrf: false })
    const failed = await failHandler(new Request('http://127.0.0.1/api/mizan/ctx/mixed/?n=1'))
    // As the reference: the first declared member failed, so the ones after it never ran.
    expect(ran).toEqual(['slow_fail'])
    expect(failed.status).toBe(403)
    expect(await failed.json()).toEqual({ error: true, code: 'FORBIDDEN', message: 'slow_fail failed' })
  })
})
