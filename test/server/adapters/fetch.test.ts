import { describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { appRouter } from '../../fixtures/app-router.ts'
import { listen } from './serve.ts'

const options = { csrf: false as const, onError: () => {} }

describe('Fetch adapter', () => {
  it('answers the same status, body and headers as the node adapter', async () => {
    const fetchHandler = createFetchHandler(appRouter, options)
    const node = await listen(createNodeHandler(appRouter, options))
    try {
      const requests: [string, RequestInit][] = [
        ['/api/mizan/call/', { method: 'POST', body: '{"fn":"update_profile","args":{"user_id":1,"name":"A"}}' }],
        ['/api/mizan/call/', { method: 'POST', body: '{"fn":"add","args":{"a":"x"}}' }],
        ['/api/mizan/ctx/user/?user_id=2', {}],
        ['/api/mizan/ctx/nope/', {}],
        ['/api/mizan/nowhere/', {}],
      ]
      for (const [path, init] of requests) {
        const a = await fetchHandler(new Request(`http://127.0.0.1${path}`, init))
        const b = await fetch(`${node.url}${path}`, init)
        expect(a.status, path).toBe(b.status)
        expect(await a.json(), path).toEqual(await b.json())
        for (const header of ['content-type', 'cache-control', 'x-mizan-invalidate']) {
          expect(a.headers.get(header), `${path} ${header}`).toBe(b.headers.get(header))
        }
      }
    } finally {
      await node.close()
    }
  })

  // Regression: a body stream that failed mid-read (the client left) went to `onError` as an internal error.
  it('a body that ends early answers BAD_REQUEST and is not reported', async () => {
    const reported: unknown[] = []
    const handler = createFetchHandler(appRouter, { csrf: false, onError: (error) => reported.push(error) })
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"fn":"ping","args":{'))
        controller.error(new Error('socket hang up'))
      },
    })
    const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body, duplex: 'half' } as RequestInit))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: true, code: 'BAD_REQUEST', message: 'Request body ended early' })
    expect(reported).toEqual([])
  })

  it('works with a mounted prefix', async () => {
    const handler = createFetchHandler(appRouter, { ...options, prefix: '/rpc' })
    const res = await handler(new Request('http://127.0.0.1/rpc/call/', { method: 'POST', body: '{"fn":"ping"}' }))
    expect(await res.json()).toEqual({ result: { pong: true } })
  })
})
