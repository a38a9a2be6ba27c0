/**
 * Middleware and the app's request context run the same way on every path that runs a server
 * function: HTTP, a WebSocket frame, the in-process caller and SSR prefetch.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { createCaller, createMizan, MizanError } from '../../src/server/index.ts'
import { prefetchForSSR } from '../../src/server/ssr/prefetch.ts'
import { FrameClient, startServer, type RunningServer } from '../ws/helpers.ts'

interface AppUser {
  id: number
  email: string
}
const USERS: Record<string, AppUser> = { ada: { id: 1, email: 'ada@example.com' } }

const log: string[] = []
const reported: unknown[] = []
const mizan = createMizan<AppUser>().withContext((req, { user }) => ({
  tenant: req.headers.get('x-tenant') ?? 'public',
  who: user?.email ?? 'anonymous',
}))

// Outermost: times the rest of the chain and logs its outcome, success or failure.
const timing = mizan.middleware(async ({ fn, ctx }, next) => {
  const started = performance.now()
  const result = await next({ ctx: { startedAt: started } })
  log.push(`${fn} ${ctx.tenant} ${result.ok ? 'ok' : result.error.code} ${performance.now() - started >= 0}`)
  return result
})
// Short-circuits a blocked tenant; otherwise extends the context with what the handler reads.
const tenantGate = mizan.middleware(({ ctx }, next) => {
  if (ctx.tenant === 'blocked') throw new MizanError('FORBIDDEN', 'This tenant is blocked')
  return next({ ctx: { tenantLabel: `${ctx.tenant}:${ctx.who}` } })
})
const procedure = mizan.defineClient.use(timing).use(tenantGate)

const whoami = procedure({ input: z.object({ n: z.number().optional() }) }, (input, ctx) => ({
  label: ctx.tenantLabel,
  timed: typeof ctx.startedAt === 'number',
  n: input?.n ?? null,
}))
const leak = procedure({}, () => {
  throw new Error('db password is hunter2')
})
const cookie = procedure({}, (_input, ctx) => {
  ctx.responseHeaders.append('set-cookie', 'seen=1; Path=/')
  return 'ok'
})
const pageLabel = procedure({ context: 'page' }, (_input, ctx) => ctx.tenantLabel)
const plain = mizan.defineClient({}, (_input, ctx) => `${ctx.tenant}/${ctx.who}`)
const broken = mizan.defineClient.use((() => 'not a result') as never)({}, () => 'never')
const router = mizan.createRouter({ whoami, leak, cookie, pageLabel, plain, broken })

const handler = createFetchHandler(router, {
  csrf: false,
  onError: (error) => reported.push(error),
  resolveUser: (req) => USERS[req.headers.get('x-user') ?? ''] ?? null,
})

async function http(fn: string, args?: unknown, headers: Record<string, string> = {}) {
  const res = await handler(
    new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ fn, args }) }),
  )
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }
}

beforeEach(() => {
  log.length = 0
  reported.length = 0
})

describe('middleware over HTTP', () => {
  it('extends the context for the handler, after the app context and the user', async () => {
    const res = await http('whoami', { n: 2 }, { 'x-tenant': 'acme', 'x-user': 'ada' })
    expect(res.body).toEqual({ result: { label: 'acme:ada@example.com', timed: true, n: 2 } })
    expect(log).toEqual(['whoami acme ok true'])
  })

  it('short-circuits with the error the middleware threw, which the outer middleware sees', async () => {
    const res = await http('whoami', undefined, { 'x-tenant': 'blocked' })
    expect(res.status).toBe(403)
    expect(res.body).toEqual({ error: true, code: 'FORBIDDEN', message: 'This tenant is blocked' })
    expect(log).toEqual(['whoami blocked FORBIDDEN true'])
  })

  it('sees a handler failure as INTERNAL_ERROR, reported once, its text never sent', async () => {
    const res = await http('leak')
    expect(res.status).toBe(500)
    expect(JSON.stringify(res.body)).not.toContain('hunter2')
    expect(log).toEqual(['leak public INTERNAL_ERROR true'])
    expect(reported).toHaveLength(1)
  })

  it('runs around input validation: a bad input is the outcome next() resolves to', async () => {
    const res = await http('whoami', { n: 'two' })
    expect(res.status).toBe(422)
    expect(log).toEqual(['whoami public VALIDATION_ERROR true'])
  })

  it('keeps response headers a handler sets on the extended context', async () => {
    const res = await http('cookie')
    expect(res.headers.get('set-cookie')).toBe('seen=1; Path=/')
  })

  it('a middleware that does not return next() answers INTERNAL_ERROR and is reported', async () => {
    const res = await http('broken')
    expect(res.status).toBe(500)
    expect(reported).toHaveLength(1)
  })

  it('runs for context members too, and functions without middleware get the app context alone', async () => {
    const res = await handler(new Request('http://127.0.0.1/api/mizan/ctx/page/', { headers: { 'x-tenant': 'acme' } }))
    expect(await res.json()).toEqual({ page_label: 'acme:anonymous' })
    expect(log).toEqual(['page_label acme ok true'])
    expect((await http('plain', undefined, { 'x-user': 'ada' })).body).toEqual({ result: 'public/ada@example.com' })
  })
})

describe('middleware over WebSocket', () => {
  let server: RunningServer
  let socket: FrameClient
  beforeAll(async () => {
    server = await startServer(router, { csrf: false, onError: (error) => reported.push(error), resolveUser: (req) => USERS[req.headers.get('x-user') ?? ''] ?? null })
    socket = await FrameClient.connect(server.wsUrl, { 'x-tenant': 'acme', 'x-user': 'ada' })
  })
  afterAll(async () => {
    await socket.close()
    await server.close()
  })

  it('runs the same chain for an rpc frame and a ctx frame', async () => {
    expect(await socket.request({ action: 'rpc', id: 1, fn: 'whoami', args: { n: 1 } })).toEqual({ id: 1, ok: true, data: { result: { label: 'acme:ada@example.com', timed: true, n: 1 } } })
    expect(await socket.request({ action: 'ctx', id: 2, context: 'page' })).toEqual({ id: 2, ok: true, data: { page_label: 'acme:ada@example.com' } })
    expect(log).toEqual(['whoami acme ok true', 'page_label acme ok true'])
  })

  it('answers a short-circuit in the envelope', async () => {
    const blocked = await FrameClient.connect(server.wsUrl, { 'x-tenant': 'blocked' })
    try {
      expect(await blocked.request({ action: 'rpc', id: 1, fn: 'whoami' })).toEqual({ id: 1, ok: false, error: { code: 'FORBIDDEN', message: 'This tenant is blocked' } })
    } finally {
      await blocked.close()
    }
  })
})

describe('middleware in the caller and SSR prefetch', () => {
  it('takes the app context as given, typed', async () => {
    const caller = createCaller(router, { user: USERS['ada'], context: { tenant: 'given', who: 'script' } })
    expect(await caller.whoami()).toEqual({ label: 'given:script', timed: true, n: null })
    await expect(caller.leak()).rejects.toMatchObject({ code: 'INTERNAL_ERROR' })
    expect(log).toEqual(['whoami given ok true', 'leak given INTERNAL_ERROR true'])
  })

  it('runs the router factory on the given headers when no context is given', async () => {
    const caller = createCaller(router, { user: USERS['ada'] ?? null, headers: new Headers({ 'x-tenant': 'hdr' }) })
    expect(await caller.plain()).toBe('hdr/ada@example.com')
    await expect(createCaller(router, { headers: new Headers({ 'x-tenant': 'blocked' }) }).whoami()).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })

  it('prefetches through the same chain', async () => {
    const page = await prefetchForSSR({ router, user: USERS['ada'] ?? null, headers: new Headers({ 'x-tenant': 'ssr' }), global: false, contexts: [{ context: 'page' }], calls: [{ call: 'whoami' }] })
    expect(page.errors).toEqual([])
    expect(log.sort()).toEqual(['page_label ssr ok true', 'whoami ssr ok true'])
  })
})
