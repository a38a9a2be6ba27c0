/**
 * Request ids on a socket whose calls can be answered in the turn they arrive (no user resolver,
 * synchronous functions): only a call still running holds its id, so a quick call never blocks
 * its id for the next frame, and a slow one still does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SocketPool, startServer, type FrameClient, type RunningServer } from './helpers.ts'
import { wsRouter } from './ws-router.ts'

let server: RunningServer
const sockets = new SocketPool()

beforeAll(async () => {
  server = await startServer(wsRouter, { maxInFlight: 2 })
})
afterAll(async () => {
  await sockets.closeAll()
  await server.close()
})

const socket = (): Promise<FrameClient> => sockets.connect(server.wsUrl)

const echo = (id: string, message: string) => ({ action: 'rpc', id, fn: 'echo', args: { text: message } })
const slow = (id: string, text: string, ms: number) => ({ action: 'rpc', id, fn: 'slow_echo', args: { text, ms } })
const echoed = (id: string, message: string) => ({ id, ok: true, data: { result: { message } } })

describe('ids of calls answered at once', () => {
  it('are free again for the next call, in the same batch', async () => {
    const client = await socket()
    client.send([echo('same', 'a'), echo('same', 'b'), echo('same', 'c')])
    expect(await client.next()).toEqual([echoed('same', 'a'), echoed('same', 'b'), echoed('same', 'c')])
  })

  it('do not free the id of a slow call that holds it, nor count against the limit', async () => {
    const client = await socket()
    client.send([echo('x', 'first'), slow('x', 'slow', 100), echo('x', 'refused'), echo('y', 'quick'), slow('z', 'second', 50)])
    expect(await client.next()).toEqual([echoed('x', 'first'), { error: 'RPC id "x" is already in flight' }, echoed('y', 'quick')])
    const later = [await client.next(), await client.next()]
    expect(later).toEqual([
      { id: 'z', ok: true, data: { result: { text: 'second' } } },
      { id: 'x', ok: true, data: { result: { text: 'slow' } } },
    ])
    // Two slow calls in flight fill the limit of 2: a third call is refused until one is answered.
    client.send([slow('p', 'one', 40), slow('q', 'two', 120), echo('r', 'over')])
    expect(await client.next()).toEqual({ id: 'r', ok: false, error: { code: 'BAD_REQUEST', message: 'Too many requests in flight (max 2)' } })
    expect([(await client.next()).id, (await client.next()).id]).toEqual(['p', 'q'])
    expect(await client.request([echo('r', 'after')])).toEqual(echoed('r', 'after'))
  })
})
