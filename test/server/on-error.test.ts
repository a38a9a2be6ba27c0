/**
 * One reporter, `(error, { fn })`, for every place a server failure is reported: the HTTP
 * dispatcher, the WebSocket adapter, the channel hub and the in-process caller.
 */
import { describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { createCaller, createChannelHub, createMizan, MemoryBus, MizanError } from '../../src/server/index.ts'
import type { ErrorReporter } from '../../src/server/execute.ts'
import { FrameClient, startServer } from '../ws/helpers.ts'

const { defineClient, createRouter } = createMizan()
const router = createRouter({ boom: defineClient({}, () => { throw new Error('secret internals') }) })

describe('onError', () => {
  it('has one signature across HTTP, WebSocket, the channel hub and the caller', async () => {
    const seen: { where: { fn: string }; message: string }[] = []
    const report: ErrorReporter = (error, where) => seen.push({ where, message: (error as Error).message })

    const http = await createFetchHandler(router, { csrf: false, onError: report })(
      new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"fn":"boom"}' }),
    )
    expect(await http.json()).toEqual({ error: true, code: 'INTERNAL_ERROR', message: 'An internal error occurred' })

    const server = await startServer(router, { csrf: false, onError: report })
    const socket = await FrameClient.connect(server.wsUrl)
    expect(await socket.request({ action: 'rpc', id: 1, fn: 'boom' })).toMatchObject({ id: 1, ok: false, error: { code: 'INTERNAL_ERROR' } })
    await socket.close()
    await server.close()

    await expect(createCaller(router, { onError: report }).boom()).rejects.toMatchObject({ code: 'INTERNAL_ERROR' })

    const bus = new MemoryBus()
    const hub = createChannelHub({ bus, onError: report })
    await hub.watch('anything', { invalidate() {}, resync() {} })
    // A peer process that wrote garbage on the live-invalidation topic.
    await bus.publish('mizan:ws:invalidate', 'not json')
    await new Promise((resolve) => setTimeout(resolve, 10))

    expect(seen.slice(0, 3)).toEqual([
      { where: { fn: 'boom' }, message: 'secret internals' },
      { where: { fn: 'boom' }, message: 'secret internals' },
      { where: { fn: 'boom' }, message: 'secret internals' },
    ])
    expect(seen.slice(3).map((s) => s.where.fn)).toEqual(['invalid live-invalidation payload on the bus'])
  })
})

describe('formatError', () => {
  // A development setting: show the exception's message instead of hiding it; leave the rest.
  const formatError = (error: MizanError, info: { transport: string }) =>
    error.code === 'INTERNAL_ERROR' && error.cause instanceof Error ? new MizanError('INTERNAL_ERROR', `${info.transport}: ${error.cause.message}`) : error

  it('shapes what HTTP, WebSocket and caller clients see, from the same function', async () => {
    const http = await createFetchHandler(router, { csrf: false, onError: () => {}, formatError })(
      new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"fn":"boom"}' }),
    )
    expect(await http.json()).toEqual({ error: true, code: 'INTERNAL_ERROR', message: 'http: secret internals' })

    const server = await startServer(router, { csrf: false, onError: () => {}, formatError })
    const socket = await FrameClient.connect(server.wsUrl)
    expect(await socket.request({ action: 'rpc', id: 1, fn: 'boom' })).toEqual({ id: 1, ok: false, error: { code: 'INTERNAL_ERROR', message: 'ws: secret internals' } })
    await socket.close()
    await server.close()

    await expect(createCaller(router, { onError: () => {}, formatError }).boom()).rejects.toMatchObject({ code: 'INTERNAL_ERROR', message: 'caller: secret internals' })
  })

  it('a formatter that throws is reported and the error goes out as it was', async () => {
    const seen: string[] = []
    const res = await createFetchHandler(router, {
      csrf: false,
      onError: (_error, where) => seen.push(where.fn),
      formatError: () => {
        throw new Error('formatter bug')
      },
    })(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"fn":"boom"}' }))
    expect(await res.json()).toEqual({ error: true, code: 'INTERNAL_ERROR', message: 'An internal error occurred' })
    expect(seen).toEqual(['boom', 'formatError'])
  })
})
