/** Faults in handlers and clients degrade to clean errors; shutdown drains what is in flight. */
import { request } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { closeGracefully } from '../../src/server/adapters/node-shutdown.ts'
import { createRouter, defineClient } from '../../src/server/index.ts'
import { listen } from '../server/adapters/serve.ts'
import { rawRequest } from './raw-http.ts'

const seen = { aborted: false, started: 0 }
const router = createRouter({
  ping: defineClient({}, () => ({ pong: true })),
  throws: defineClient({}, (): { ok: boolean } => {
    throw new TypeError('kaboom')
  }),
  hangs: defineClient({ timeout: 100 }, () => new Promise<{ never: true }>(() => {})),
  bigint: defineClient({}, () => ({ n: 10n })),
  circular: defineClient({}, () => {
    const a: Record<string, unknown> = {}
    a['self'] = a
    return a
  }),
  slow: defineClient({}, async (_i, ctx) => {
    seen.started++
    await new Promise((r) => setTimeout(r, 150))
    seen.aborted ||= ctx.signal.aborted
    return { done: true }
  }),
})

let server: Awaited<ReturnType<typeof listen>> | undefined
const reported: unknown[] = []
afterEach(async () => {
  await server?.close().catch(() => {})
  server = undefined
})

async function start() {
  server = await listen(createNodeHandler(router, { csrf: false, onError: (e) => reported.push(e) }))
  return server.url
}
const callFn = (base: string, fn: string) => rawRequest(base, { method: 'POST', path: '/api/mizan/call/', body: JSON.stringify({ fn }) })

describe('faults', () => {
  it.each([
    ['a handler that throws', 'throws', 500],
    ['a handler that hangs past its timeout', 'hangs', 504],
    ['a circular result', 'circular', 500],
  ])('%s answers a clean envelope and the server keeps serving', async (_what, fn, status) => {
    const base = await start()
    const res = await callFn(base, fn)
    expect(res.status).toBe(status)
    expect(JSON.parse(res.text)).toMatchObject({ error: true, code: 'INTERNAL_ERROR' })
    expect(res.text).not.toMatch(/kaboom|BigInt|circular/i)
    expect((await callFn(base, 'ping')).status).toBe(200)
  })

  it('a BigInt result is written as its exact integer literal (issue #28: Python peers send and read them)', async () => {
    const base = await start()
    const res = await callFn(base, 'bigint')
    expect(res.status).toBe(200)
    expect(res.text).toBe('{"result":{"n":10}}')
  })

  it('a client that disconnects mid-request aborts the handler signal and harms nothing', async () => {
    const base = new URL(await start())
    seen.aborted = false
    await new Promise<void>((resolve) => {
      const req = request({ host: base.hostname, port: base.port, method: 'POST', path: '/api/mizan/call/' })
      req.on('error', () => resolve())
      req.end('{"fn":"slow"}')
      setTimeout(() => {
        req.destroy()
        resolve()
      }, 30)
    })
    await new Promise((r) => setTimeout(r, 250))
    expect(seen.aborted).toBe(true)
    expect((await callFn(base.origin, 'ping')).status).toBe(200)
  })

  // Regression: the request's 'aborted' error went to `onError` as an internal error.
  it.each([
    ['the call fast path', '/api/mizan/call/'],
    ['the general path', '/api/mizan/call/?via=query'],
  ])('a client that leaves mid-body on %s is no error: no handler runs, nothing is reported, the server keeps serving', async (_path, path) => {
    const base = new URL(await start())
    seen.started = 0
    const before = reported.length
    const uncaught: unknown[] = []
    const onUncaught = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', onUncaught)
    try {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(base.port), base.hostname, () => {
          const partial = '{"fn":"slow","args":{'
          socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n${partial}`)
          setTimeout(() => socket.destroy(), 30)
        })
        socket.on('close', () => resolve())
      })
      await new Promise((r) => setTimeout(r, 100))
      expect(uncaught).toEqual([])
      expect(seen.started).toBe(0)
      expect(reported.length).toBe(before)
      expect((await callFn(base.origin, 'ping')).status).toBe(200)
    } finally {
      process.off('uncaughtException', onUncaught)
    }
  })

  it('a graceful shutdown under load drains every in-flight request, then refuses new ones', async () => {
    const base = await start()
    seen.started = 0
    const inFlight = Array.from({ length: 20 }, () => callFn(base, 'slow'))
    // Close only once every request is inside a handler, so "in flight" means in flight.
    while (seen.started < 20) await new Promise((r) => setTimeout(r, 5))
    const closed = closeGracefully(server!.server, { timeoutMs: 5000 })
    const results = await Promise.all(inFlight)
    expect(results.map((r) => r.status)).toEqual(new Array(20).fill(200))
    await closed
    await expect(callFn(base, 'ping')).rejects.toThrow()
    server = undefined
  })
})
