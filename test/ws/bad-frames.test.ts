/**
 * Hostile or broken frames get clean answers and the server keeps serving: the same socket
 * still answers an RPC afterwards, and new sockets still open. Also the resource limits: slow
 * consumers are dropped with the server's buffer bounded, and dead peers by the heartbeat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FrameClient, SocketPool, eventually, floodUntilDropped, sleep, startServer, type RunningServer } from './helpers.ts'
import { chat, realtime, resolveUser, wsRouter } from './ws-router.ts'

let server: RunningServer
const sockets = new SocketPool()
const reported: unknown[] = []

beforeAll(async () => {
  server = await startServer(wsRouter, {
    resolveUser,
    onError: (error) => reported.push(error),
    hub: realtime.hub,
    maxFrameBytes: 1024,
    hardMaxFrameBytes: 8192,
    maxSubscriptions: 5,
    maxInFlight: 4,
    maxJsonDepth: 16,
  })
})
afterAll(async () => {
  await sockets.closeAll()
  await server.close()
})

const socket = (): Promise<FrameClient> => sockets.connect(server.wsUrl)

async function stillServes(client: FrameClient) {
  expect(await client.request({ action: 'rpc', id: 'alive', fn: 'echo', args: { text: 'still here' } })).toEqual({
    id: 'alive',
    ok: true,
    data: { result: { message: 'still here' } },
  })
}

describe('bad frames', () => {
  it.each([
    ['a binary frame', Buffer.from([0x7b, 0x7d]), { error: 'Binary frames are not supported; send JSON text' }],
    ['invalid JSON', '{"action": "rpc", ', { error: 'Invalid JSON' }],
    ['a batch of things that are not frames', '[1, 2]', [{ error: 'Frame must be a JSON object' }, { error: 'Frame must be a JSON object' }]],
    ['a JSON string', '"rpc"', { error: 'Frame must be a JSON object' }],
    ['an unknown action', { action: 'bogus' }, { error: 'Unknown action: bogus' }],
    ['no action', { id: 1, fn: 'echo' }, { error: 'Unknown action: None' }],
    ['a non-string action', { action: 42 }, { error: 'Unknown action: 42' }],
    ['watch while live invalidation is off', { action: 'watch', context: 'user', params: {} }, { error: 'Unknown action: watch' }],
    ['an over-deep frame', `{"action":"rpc","id":1,"fn":"echo","args":${'['.repeat(40)}${']'.repeat(40)}}`, { error: 'JSON nested deeper than 16 levels' }],
    ['an id that is an object', { action: 'rpc', id: { a: 1 }, fn: 'ping' }, { error: "RPC 'id' must be a string or a number" }],
    ['a frame over maxFrameBytes', JSON.stringify({ action: 'rpc', id: 'big', fn: 'echo', args: { text: 'x'.repeat(2000) } }), { error: 'Frame exceeds 1024 bytes' }],
    ['params that are not an object', { action: 'ctx', id: 'p', context: 'user', params: [1] }, { id: 'p', ok: false, error: { code: 'BAD_REQUEST', message: "'params' must be an object" } }],
  ])('%s: a clean error frame, and the socket keeps serving', async (_what, frame, expected) => {
    const client = await socket()
    if (Buffer.isBuffer(frame)) client.socket.send(frame, { binary: true })
    else client.send(frame)
    expect(await client.next()).toEqual(expected)
    await stillServes(client)
  })

  it('closes a frame over the hard limit with 1009, and the server keeps serving others', async () => {
    const client = await socket()
    client.send(JSON.stringify({ action: 'rpc', id: 'huge', fn: 'echo', args: { text: 'x'.repeat(20_000) } }))
    await eventually(() => expect(client.closeCode).toBe(1009))
    await stillServes(await socket())
  })

  it('refuses a subscribe flood past maxSubscriptions, keeping the first ones', async () => {
    const client = await socket()
    for (let i = 0; i < 5; i++) {
      expect(await client.request({ action: 'subscribe', channel: 'chat', params: { room: `r${i}` } })).toMatchObject({ subscribed: true })
    }
    expect(await client.request({ action: 'subscribe', channel: 'chat', params: { room: 'r5' } })).toEqual({
      error: 'Too many subscriptions (max 5)',
      channel: 'chat',
      params: { room: 'r5' },
    })
    await realtime.hub.publish(chat, { room: 'r4' }, { text: 'kept', sender: 'server' })
    expect((await client.next()).data.text).toBe('kept')
    await stillServes(client)
  })

  it('refuses an RPC id already in flight without disturbing the request that holds it', async () => {
    const client = await socket()
    client.send({ action: 'rpc', id: 'dup', fn: 'slow_echo', args: { text: 'first', ms: 150 } })
    client.send({ action: 'rpc', id: 'dup', fn: 'echo', args: { text: 'second' } })
    expect(await client.next()).toEqual({ error: 'RPC id "dup" is already in flight' })
    expect(await client.next()).toEqual({ id: 'dup', ok: true, data: { result: { text: 'first' } } })
    // Once answered, the id is free again.
    expect(await client.request({ action: 'rpc', id: 'dup', fn: 'echo', args: { text: 'third' } })).toMatchObject({ id: 'dup', ok: true })
  })

  it('caps requests in flight per socket', async () => {
    const client = await socket()
    for (let i = 0; i < 5; i++) client.send({ action: 'rpc', id: `s${i}`, fn: 'slow_echo', args: { text: `${i}`, ms: 100 } })
    expect(await client.next()).toEqual({ id: 's4', ok: false, error: { code: 'BAD_REQUEST', message: 'Too many requests in flight (max 4)' } })
    const answered = [await client.next(), await client.next(), await client.next(), await client.next()]
    expect(answered.map((f) => f.id).sort()).toEqual(['s0', 's1', 's2', 's3'])
    await stillServes(client)
  })

  it('a handshake on another path is not ours', async () => {
    await expect(FrameClient.connect(server.wsUrl.replace('/ws/', '/elsewhere/'))).rejects.toMatchObject({ status: 404 })
    await stillServes(await socket())
  })
})

describe('resource limits', () => {
  it('drops a consumer that stops reading before its unsent data passes maxBufferedBytes', async () => {
    const limit = 256 * 1024
    const slowServer = await startServer(wsRouter, { resolveUser, hub: realtime.hub, maxBufferedBytes: limit, onError: () => {} })
    try {
      const client = await FrameClient.connect(slowServer.wsUrl)
      expect(await client.request({ action: 'subscribe', channel: 'chat', params: { room: 'firehose' } })).toMatchObject({ subscribed: true })
      const text = 'x'.repeat(16 * 1024)
      // The client stops reading: the kernel buffers fill, then the server's own buffer would grow without bound.
      const maxBuffered = await floodUntilDropped(slowServer, client, () => realtime.hub.publish(chat, { room: 'firehose' }, { text, sender: 'server' }))
      expect(slowServer.ws.size).toBe(0)
      expect(maxBuffered).toBeLessThanOrEqual(limit)
      expect(maxBuffered).toBeGreaterThan(0)
    } finally {
      await slowServer.close()
    }
  })

  it('closes a socket that stays idle, but not one that holds a subscription', async () => {
    const idle = await startServer(wsRouter, { resolveUser, idleTimeoutMs: 150, onError: () => {} })
    try {
      const quiet = await FrameClient.connect(idle.wsUrl)
      const listening = await FrameClient.connect(idle.wsUrl)
      expect(await listening.request({ action: 'subscribe', channel: 'notices' })).toMatchObject({ subscribed: true })
      await eventually(() => expect(quiet.closeCode).toBe(1000), 2000)
      await sleep(200)
      expect(listening.closeCode).toBeUndefined()
      await listening.close()
    } finally {
      await idle.close()
    }
  })

  it('drops a peer that stops answering pings', async () => {
    const beating = await startServer(wsRouter, { resolveUser, heartbeatMs: 100, onError: () => {} })
    try {
      const live = await FrameClient.connect(beating.wsUrl)
      const dead = await FrameClient.connect(beating.wsUrl)
      ;(dead.socket as unknown as { _socket: { pause(): void } })._socket.pause()
      await eventually(() => expect(beating.ws.size).toBe(1), 2000)
      // The live one answered its pings and is still served.
      await sleep(250)
      expect(await live.request({ action: 'rpc', id: 1, fn: 'ping' })).toMatchObject({ ok: true })
      await live.close()
    } finally {
      await beating.close()
    }
  })
})
