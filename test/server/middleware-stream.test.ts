/**
 * Regression: a middleware around a streaming handler had `next()` resolve as soon as the stream
 * was set up, so a timing (or transaction) middleware never saw the stream's duration or its
 * failure. Now `next()` resolves when the stream ended, over SSE, the WebSocket and the caller.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createCaller, createMizan } from '../../src/server/index.ts'
import { FrameClient, startServer, type RunningServer } from '../ws/helpers.ts'

const log: string[] = []
const reported: string[] = []
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const { defineClient, createRouter, middleware } = createMizan()
const timing = middleware(async ({ fn }, next) => {
  const started = performance.now()
  log.push(`start ${fn}`)
  const result = await next()
  log.push(`end ${fn} ${result.ok ? 'ok' : result.error.code} ${Math.round(performance.now() - started)}`)
  return result
})
const timed = defineClient.use(timing)
const router = createRouter({
  slow: timed({}, async function* () {
    for (let i = 0; i < 3; i++) {
      await sleep(60)
      log.push(`item ${i}`)
      yield i
    }
  }),
  broken: timed({}, async function* () {
    yield 0
    await sleep(60)
    throw new Error('secret')
  }),
  endless: timed({}, async function* () {
    for (let i = 0; ; i++) {
      yield i
      await sleep(20)
    }
  }),
})

let server: RunningServer
beforeAll(async () => {
  server = await startServer(router, { csrf: false, onError: (error) => reported.push((error as Error).message) })
})
afterAll(() => server.close())
beforeEach(() => {
  log.length = 0
  reported.length = 0
})

const endOf = (fn: string) => log.find((line) => line.startsWith(`end ${fn} `))
const took = (fn: string) => Number(endOf(fn)?.split(' ').at(-1))

describe("a middleware's next() around a streaming handler", () => {
  it('over SSE: resolves once the last item left, with the whole duration', async () => {
    const res = await fetch(`${server.url}/api/mizan/call/`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: '{"fn":"slow"}' })
    expect(await res.text()).toContain('event: done')
    expect(log.slice(0, 4)).toEqual(['start slow', 'item 0', 'item 1', 'item 2'])
    expect(log[4]).toMatch(/^end slow ok \d+$/)
    expect(took('slow')).toBeGreaterThanOrEqual(170)
  })

  it("over the WebSocket: sees the stream's failure, reported once", async () => {
    const socket = await FrameClient.connect(server.wsUrl)
    socket.send({ action: 'rpc', id: 1, fn: 'broken', stream: true })
    expect(await socket.next()).toEqual({ id: 1, data: 0 })
    expect(await socket.next()).toEqual({ id: 1, ok: false, error: { code: 'INTERNAL_ERROR', message: 'An internal error occurred' } })
    await socket.close()
    expect(endOf('broken')).toMatch(/^end broken INTERNAL_ERROR \d+$/)
    expect(took('broken')).toBeGreaterThanOrEqual(50)
    expect(reported).toEqual(['secret'])
  })

  it('over the WebSocket: a cancelled stream ends the chain', async () => {
    const socket = await FrameClient.connect(server.wsUrl)
    socket.send({ action: 'rpc', id: 7, fn: 'endless', stream: true })
    await socket.next()
    await socket.next()
    expect(endOf('endless')).toBeUndefined()
    socket.send({ action: 'cancel', id: 7 })
    await socket.nextWhere((frame) => frame.done === true)
    await socket.close()
    for (let i = 0; i < 50 && !endOf('endless'); i++) await sleep(10)
    expect(endOf('endless')).toMatch(/^end endless ok \d+$/)
  })

  it('through the caller: resolves when the reader finished', async () => {
    const items: unknown[] = []
    for await (const item of (await createCaller(router, { onError: () => {} }).slow()) as AsyncIterable<unknown>) items.push(item)
    expect(items).toEqual([0, 1, 2])
    expect(took('slow')).toBeGreaterThanOrEqual(170)
  })
})
