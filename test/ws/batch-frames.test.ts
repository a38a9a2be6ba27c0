/**
 * Batches (PROTOCOL.md §15): a frame that is a JSON array of frames is handled element by element,
 * as if each had been sent alone, and once a socket has sent one, the replies written in one tick
 * come back as one array frame. A socket that never sends a batch never receives one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FrameClient, SocketPool, floodUntilDropped, startServer, type RunningServer } from './helpers.ts'
import { chat, counter, realtime, resolveUser, wsRouter } from './ws-router.ts'

let server: RunningServer
const sockets = new SocketPool()
const reported: unknown[] = []

beforeAll(async () => {
  server = await startServer(wsRouter, { resolveUser, onError: (e) => reported.push(e), hub: realtime.hub, maxBatchFrames: 4, maxFrameBytes: 128 * 1024 })
})
afterAll(async () => {
  await sockets.closeAll()
  await server.close()
})

const socket = (): Promise<FrameClient> => sockets.connect(server.wsUrl, { 'x-test-user': 'alice' })

const echo = (id: string | number, text: string) => ({ action: 'rpc', id, fn: 'echo', args: { text } })
const echoed = (id: string | number, text: string) => ({ id, ok: true, data: { result: { message: text } } })

/** The next `count` frames, whether they came alone or inside array frames. */
async function framesOf(client: FrameClient, count: number): Promise<unknown[]> {
  const out: unknown[] = []
  while (out.length < count) {
    const next: unknown = await client.next()
    if (Array.isArray(next)) out.push(...(next as unknown[]))
    else out.push(next)
  }
  return out
}

describe('a batch of frames', () => {
  it('is answered with one frame: an array of the replies, in order', async () => {
    const client = await socket()
    client.send([echo(1, 'a'), echo(2, 'b'), echo('three', 'c')])
    expect(await client.next()).toEqual([echoed(1, 'a'), echoed(2, 'b'), echoed('three', 'c')])
    expect(client.texts).toHaveLength(1)
  })

  it('answers each bad element with its own error, and the good ones still run', async () => {
    const client = await socket()
    client.send([1, { action: 'bogus' }, { action: 'rpc', fn: 'echo' }, echo('fine', 'ok')])
    expect(await client.next()).toEqual([
      { error: 'Frame must be a JSON object' },
      { error: 'Unknown action: bogus' },
      { error: "RPC request missing 'id' field" },
      echoed('fine', 'ok'),
    ])
  })

  it('that is empty, or longer than maxBatchFrames, is refused whole with a clear error; the socket keeps serving', async () => {
    const client = await socket()
    client.send([])
    expect(await client.next()).toEqual({ error: 'Batch is empty' })
    const before = counter.value
    const bump = (id: number) => ({ action: 'rpc', id, fn: 'bump_counter' })
    client.send([bump(1), bump(2), bump(3), bump(4), bump(5)])
    expect(await client.next()).toEqual({ error: 'Batch of 5 frames exceeds 4' })
    expect(counter.value).toBe(before)
    client.send([echo('after', 'still here')])
    expect(await client.next()).toEqual(echoed('after', 'still here'))
    expect(reported).toEqual([])
  })

  it('runs a subscribe before the message that follows it in the same batch', async () => {
    const client = await socket()
    const room = { room: 'batched' }
    client.send([
      { action: 'subscribe', channel: 'chat', params: room },
      { action: 'message', channel: 'chat', params: room, data: { text: 'first words' } },
    ])
    expect(await framesOf(client, 2)).toEqual([
      { subscribed: true, channel: 'chat', params: room },
      { channel: 'chat', params: room, type: 'ServerMessage', data: { text: 'first words', sender: 'alice' } },
    ])
  })

  it('answers a slow call when it settles, without holding back the quick ones', async () => {
    const client = await socket()
    client.send([{ action: 'rpc', id: 'slow', fn: 'slow_echo', args: { text: 'late', ms: 100 } }, echo('quick', 'now')])
    expect(await client.next()).toEqual(echoed('quick', 'now'))
    expect(await client.next()).toEqual({ id: 'slow', ok: true, data: { result: { text: 'late' } } })
  })

  it('splits replies past 64 KiB into more frames, every reply still answered once', async () => {
    const client = await socket()
    const big = (n: number) => String(n).repeat(30_000)
    client.send([echo(1, big(1)), echo(2, big(2)), echo(3, big(3)), echo(4, big(4))])
    expect(await framesOf(client, 4)).toEqual([echoed(1, big(1)), echoed(2, big(2)), echoed(3, big(3)), echoed(4, big(4))])
    expect(client.texts.length).toBeGreaterThan(1)
    expect(client.texts.every((text) => text.length < 100_000)).toBe(true)
  })
})

describe('the limits of a batching socket', () => {
  it('a turn that writes hundreds of frames sends them before the turn ends, 256 at most in one frame', async () => {
    const client = await socket()
    const room = { room: 'flood' }
    client.send([{ action: 'subscribe', channel: 'chat', params: room }])
    expect(await client.next()).toEqual({ subscribed: true, channel: 'chat', params: room })
    await Promise.all(Array.from({ length: 300 }, (_, i) => realtime.hub.publish(chat, room, { text: `m${i}`, sender: 'server' })))
    const messages = await framesOf(client, 300)
    expect(messages.map((m) => (m as { data: { text: string } }).data.text)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`))
    const sizes = client.texts.slice(1).map((text) => (text.startsWith('[') ? (JSON.parse(text) as unknown[]).length : 1))
    expect(sizes.length).toBeGreaterThan(1)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(256)
  })

  it('drops a batching consumer that stops reading before its unsent data passes maxBufferedBytes', async () => {
    const limit = 256 * 1024
    const slowServer = await startServer(wsRouter, { resolveUser, hub: realtime.hub, maxBufferedBytes: limit, onError: () => {} })
    try {
      const client = await FrameClient.connect(slowServer.wsUrl)
      const room = { room: 'batched-firehose' }
      client.send([{ action: 'subscribe', channel: 'chat', params: room }])
      expect(await client.next()).toMatchObject({ subscribed: true })
      const text = 'x'.repeat(16 * 1024)
      // Ten messages a turn: they leave as one array frame, which is what the limit must catch.
      const maxBuffered = await floodUntilDropped(slowServer, client, () =>
        Promise.all(Array.from({ length: 10 }, () => realtime.hub.publish(chat, room, { text, sender: 'server' }))),
      )
      expect(slowServer.ws.size).toBe(0)
      expect(maxBuffered).toBeLessThanOrEqual(limit)
      expect(maxBuffered).toBeGreaterThan(0)
    } finally {
      await slowServer.close()
    }
  })
})

describe('a socket that never sent a batch', () => {
  it('gets one frame per reply, as a Python-era client expects', async () => {
    const client = await socket()
    client.send(echo(1, 'x'))
    client.send(echo(2, 'y'))
    client.send(echo(3, 'z'))
    expect(await framesOf(client, 3)).toEqual([echoed(1, 'x'), echoed(2, 'y'), echoed(3, 'z')])
    expect(client.texts).toHaveLength(3)
    expect(client.texts.some((text) => text.startsWith('['))).toBe(false)
  })
})
