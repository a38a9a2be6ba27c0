/**
 * Regression tests for the attacker's findings of issue 24 that live on the HTTP side: each
 * `it` is named after the finding it holds down. The WebSocket ones are in ws-battery.test.ts,
 * the token ones in test/server/auth/, CSRF in csrf-django.test.ts.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { createMizan } from '../../src/server/index.ts'
import { listen } from '../server/adapters/serve.ts'
import { FrameClient, startServer } from '../ws/helpers.ts'
import { hardeningRouter } from './hardening-router.ts'
import { rawRequest } from './raw-http.ts'

const SECRET = 'postgres://app:hunter2@db.internal/prod'
const { defineClient, createRouter } = createMizan()
const leakyRouter = createRouter({
  leakyAuth: defineClient({ auth: () => { throw new Error(`cannot reach ${SECRET}`) } }, () => ({ ok: true })),
  leakyAsyncAuth: defineClient({ auth: async () => { throw new TypeError(`cannot reach ${SECRET}`) } }, () => ({ ok: true })),
  leakyMember: defineClient({ context: 'secure', auth: () => { throw new Error(SECRET) } }, () => ({ ok: true })),
  flag: defineClient({ input: z.object({ on: z.boolean(), n: z.number() }) }, ({ on, n }) => ({ on, n })),
})

let hardening: Awaited<ReturnType<typeof listen>>
let hidden: Awaited<ReturnType<typeof listen>>
let leaky: Awaited<ReturnType<typeof listen>>
const reported: unknown[] = []

beforeAll(async () => {
  hardening = await listen(createNodeHandler(hardeningRouter, { csrf: false }))
  hidden = await listen(createNodeHandler(hardeningRouter, { csrf: false, privateFunctions: 'not-found' }))
  leaky = await listen(createNodeHandler(leakyRouter, { csrf: false, onError: (e) => reported.push(e) }))
})
afterAll(async () => {
  await Promise.all([hardening.close(), hidden.close(), leaky.close()])
})

const post = (base: string, body: unknown) => rawRequest(base, { method: 'POST', path: '/api/mizan/call/', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** Runs `work` while measuring the event loop: the longest stall, in ms. */
async function longestStall(work: () => Promise<void>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 })
  histogram.enable()
  await work()
  histogram.disable()
  return histogram.max / 1e6
}

describe('finding 1: ReDoS in lax number coercion', () => {
  it('a 100 KB digit run + "x" as a number argument is refused fast and does not block the event loop', async () => {
    const digits = '1'.repeat(100_000)
    let res: Awaited<ReturnType<typeof rawRequest>> | undefined
    const started = performance.now()
    const stall = await longestStall(async () => {
      const server = await listen(createNodeHandler(leakyRouter, { csrf: false, maxBodyBytes: 1024 * 1024 }))
      try {
        // A concurrent GET must not wait behind the coercion.
        const [answer, other] = await Promise.all([post(server.url, { fn: 'flag', args: { on: digits + 'x', n: digits + 'x' } }), post(server.url, { fn: 'flag', args: { on: true, n: 1 } })])
        res = answer
        expect(other.status).toBe(200)
      } finally {
        await server.close()
      }
    })
    const elapsed = performance.now() - started
    expect(res?.status).toBe(422)
    // Before the fix: about 7 s for 100 KB. The bound leaves room for a slow, shared machine.
    expect(elapsed).toBeLessThan(2000)
    expect(stall).toBeLessThan(500)
  })

  it('the same run in a query string and in a WebSocket frame is refused fast', async () => {
    const server = await startServer(hardeningRouter, { csrf: false, maxFrameBytes: 256 * 1024 })
    try {
      const stall = await longestStall(async () => {
        const query = await rawRequest(server.url, { path: `/api/mizan/ctx/user/?user_id=${'1'.repeat(8000)}x` })
        expect(query.status).toBe(422)
        const client = await FrameClient.connect(server.wsUrl)
        const reply = await client.request({ action: 'rpc', id: 1, fn: 'add', args: { a: '9'.repeat(60_000) + 'x', b: 1 } }, 5000)
        expect(reply).toMatchObject({ id: 1, ok: false, error: { code: 'VALIDATION_ERROR' } })
        await client.close()
      })
      expect(stall).toBeLessThan(500)
    } finally {
      await server.close()
    }
  })
})

describe('finding 3: an auth predicate exception text is sent to the client', () => {
  it.each(['leaky_auth', 'leaky_async_auth'])('%s: 403 "Access denied", the text goes to onError only', async (fn) => {
    reported.length = 0
    const res = await post(leaky.url, { fn })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toEqual({ error: true, code: 'FORBIDDEN', message: 'Access denied' })
    expect(res.text).not.toContain('hunter2')
    expect(reported.map(String).join()).toContain('hunter2')
  })

  it('a context member whose auth predicate throws: no text in the bundle error', async () => {
    reported.length = 0
    const res = await rawRequest(leaky.url, { path: '/api/mizan/ctx/secure/' })
    expect(res.status).toBe(403)
    expect(res.text).not.toContain('hunter2')
    expect(reported.map(String).join()).toContain('hunter2')
  })
})

describe('finding 6: client garbage gives a 500', () => {
  it('{"fn":{"toString":1}} is a 404 envelope, even with debug naming the function', async () => {
    const debug = await listen(createNodeHandler(hardeningRouter, { csrf: false, debug: true }))
    try {
      const res = await post(debug.url, { fn: { toString: 1 } })
      expect(res.status).toBe(404)
      expect(JSON.parse(res.text)).toEqual({ error: true, code: 'NOT_FOUND', message: `Function '{"toString":1}' not found` })
    } finally {
      await debug.close()
    }
  })

  it('in an HTTP batch, an item with such an fn is a 404 item, and nothing is reported', async () => {
    const res = await rawRequest(hardening.url, { method: 'POST', path: '/api/mizan/batch/', headers: { 'content-type': 'application/json' }, body: '{"batch":[{"fn":{"toString":1}},{"fn":"ping"}]}' })
    expect(res.status).toBe(200)
    const { batch } = JSON.parse(res.text) as { batch: Record<string, unknown>[] }
    expect(batch[0]).toMatchObject({ error: true, code: 'NOT_FOUND', status: 404 })
    expect(batch[1]).toEqual({ result: { pong: true } })
  })

  it('a view route path with a bad percent-escape is a 400 envelope', async () => {
    const res = await rawRequest(hardening.url, { path: '/api/mizan/profile/%E0%A4%A/' })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text)).toMatchObject({ error: true, code: 'BAD_REQUEST' })
  })
})

describe('finding 7: private functions are enumerable', () => {
  it('by default a private function answers 403 "not client-callable", as the reference', async () => {
    const res = await post(hardening.url, { fn: 'secret_fn' })
    expect(res.status).toBe(403)
  })

  it("with privateFunctions: 'not-found', a private function answers exactly as an unknown one, over HTTP and WS", async () => {
    const secret = await post(hidden.url, { fn: 'secret_fn' })
    const unknown = await post(hidden.url, { fn: 'no_such_fn' })
    expect(secret.status).toBe(404)
    expect(secret.text).toBe(unknown.text)
    const batch = await rawRequest(hidden.url, { method: 'POST', path: '/api/mizan/batch/', headers: { 'content-type': 'application/json' }, body: '{"batch":[{"fn":"secret_fn"},{"fn":"no_such_fn"}]}' })
    const items = (JSON.parse(batch.text) as { batch: unknown[] }).batch
    expect(items[0]).toEqual(items[1])
    const server = await startServer(hardeningRouter, { csrf: false, privateFunctions: 'not-found' })
    try {
      const client = await FrameClient.connect(server.wsUrl)
      expect(await client.request({ action: 'rpc', id: 1, fn: 'secret_fn' })).toEqual({ id: 1, ok: false, error: { code: 'NOT_FOUND', message: "Function 'secret_fn' not found" } })
      await client.close()
    } finally {
      await server.close()
    }
  })
})
