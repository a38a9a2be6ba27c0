/** Streaming functions over a real WebSocket: item frames, the final frame, backpressure and cancellation. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FrameClient, startServer, type RunningServer } from '../ws/helpers.ts'
import { probe, streamRouter } from './stream-router.ts'

let server: RunningServer
const sockets: FrameClient[] = []
async function connect(): Promise<FrameClient> {
  const client = await FrameClient.connect(server.wsUrl)
  sockets.push(client)
  return client
}

beforeAll(async () => {
  server = await startServer(streamRouter, { onError: () => {} }, { csrf: false })
})
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()))
  await server.close()
})
beforeEach(() => probe.reset())

async function waitFor(check: () => boolean, ms = 1000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}

describe('streaming over the WebSocket', () => {
  it('sends 10,000 item frames in order, then the final frame, pulling only as the socket drains', async () => {
    const client = await connect()
    const tcp = (client.socket as unknown as { _socket: import('node:net').Socket })._socket
    client.send({ action: 'rpc', id: 's1', fn: 'ticks', args: { n: 10_000, big: true }, stream: true })
    let maxLead = 0
    for (let i = 0; i < 10_000; i++) {
      const frame = await client.next(5000)
      expect(frame).toEqual({ id: 's1', data: { i, pad: 'x'.repeat(4000) } })
      if (i === 100) {
        // The reader stops reading for a while: the server must stop pulling items.
        tcp.pause()
        await new Promise((resolve) => setTimeout(resolve, 300))
        maxLead = Math.max(maxLead, probe.produced - i)
        tcp.resume()
      }
      maxLead = Math.max(maxLead, probe.produced - i)
    }
    expect(await client.next()).toEqual({ id: 's1', ok: true, done: true, data: {} })
    // 4 KB items: what ran ahead is bounded by the socket buffers and the high-water mark, not the 40 MB stream.
    expect(maxLead).toBeLessThan(3_000)
    client.frames.length = 0
  })

  it('stops the generator within 50 ms of a cancel frame, and answers it with the final frame', async () => {
    const client = await connect()
    client.send({ action: 'rpc', id: 7, fn: 'endless', stream: true })
    for (let i = 0; i < 20; i++) expect((await client.next()).data).toBe(i)
    const cancelledAt = performance.now()
    client.send({ action: 'cancel', id: 7 })
    await waitFor(() => probe.finallyAt > 0)
    expect(probe.finallyAt - cancelledAt).toBeLessThan(50)
    expect(await client.nextWhere((f) => f.ok !== undefined)).toEqual({ id: 7, ok: true, done: true, data: {} })
  })

  it('wakes a generator awaiting ctx.signal on cancel', async () => {
    const client = await connect()
    client.send({ action: 'rpc', id: 'z', fn: 'sleepy', stream: true })
    expect(await client.next()).toEqual({ id: 'z', data: 'first' })
    const cancelledAt = performance.now()
    client.send({ action: 'cancel', id: 'z' })
    await waitFor(() => probe.finallyAt > 0)
    expect(probe.finallyAt - cancelledAt).toBeLessThan(50)
  })

  it('stops every stream of a socket that closes', async () => {
    const client = await connect()
    client.send({ action: 'rpc', id: 1, fn: 'endless', stream: true })
    await client.next()
    const closedAt = performance.now()
    await client.close()
    await waitFor(() => probe.finallyAt > 0)
    expect(probe.finallyAt - closedAt).toBeLessThan(50)
  })

  it('refuses a plain rpc frame for a streaming function (what a Python peer sends), without starting it', async () => {
    const client = await connect()
    expect(await client.request({ action: 'rpc', id: 3, fn: 'ticks', args: { n: 2 } })).toEqual({
      id: 3,
      ok: false,
      error: { code: 'BAD_REQUEST', message: `Function 'ticks' streams its result; send the rpc frame with "stream": true to read it` },
    })
    expect(probe.started).toBe(0)
  })

  it('carries event ids and the final invalidate entries', async () => {
    const client = await connect()
    client.send({ action: 'rpc', id: 'c', fn: 'counter', args: { to: 1 }, stream: true })
    expect(await client.next()).toEqual({ id: 'c', data: { count: 0 }, eid: '0' })
    expect(await client.next()).toEqual({ id: 'c', data: { count: 1 }, eid: '1' })
    expect(await client.next()).toEqual({ id: 'c', ok: true, done: true, data: {} })
    client.send({ action: 'rpc', id: 'b', fn: 'bump_all', stream: true })
    expect(await client.next()).toEqual({ id: 'b', data: 'bumping' })
    expect(await client.next()).toEqual({ id: 'b', ok: true, done: true, data: { invalidate: ['stats'] } })
  })

  it('ends a failing stream with an error frame that carries no exception text', async () => {
    const client = await connect()
    client.send({ action: 'rpc', id: 'f', fn: 'failing', stream: true })
    expect((await client.next()).data).toBe(1)
    expect((await client.next()).data).toBe(2)
    expect(await client.next()).toEqual({ id: 'f', ok: false, error: { code: 'INTERNAL_ERROR', message: 'An internal error occurred' } })
  })
})
