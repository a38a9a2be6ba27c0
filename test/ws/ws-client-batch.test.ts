/**
 * The kernel's socket with `websocket: { batch: true }` (PROTOCOL.md §15) against a real server:
 * the frames written in one turn leave as one array frame, the replies come back as one, and
 * each result, error, channel frame and reconnect still reaches the part that waits for it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { realtimeOf, webSocketTransport } from '../../src/client/ws-transport.ts'
import { MizanError } from '../../src/shared/errors.ts'
import { eventually, recordingWebSocket, sleep, startServer, type RunningServer, type SocketLog } from './helpers.ts'
import { counter, realtime, resolveUser, wsRouter, type WsRouter } from './ws-router.ts'

let server: RunningServer
/** Every text frame each way, as the wire carried it. */
const log: SocketLog = { sent: [], received: [], closes: [] }
const { sent, received } = log
const clearLog = () => {
  for (const list of Object.values(log)) list.length = 0
}
const RecordingSocket = recordingWebSocket(log)
const clients: { connection: { close(): void } }[] = []

beforeAll(async () => {
  server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub: realtime.hub })
})
afterAll(() => server.close())
afterEach(() => {
  for (const c of clients.splice(0)) c.connection.close()
  clearLog()
})

function kernel(batch: boolean) {
  const client = createMizanClient<WsRouter>({
    baseUrl: `${server.url}/api/mizan`,
    csrf: false,
    headers: { 'x-test-user': 'alice' },
    fetch: () => Promise.reject(new Error('HTTP is not used in these tests')),
    transport: 'websocket',
    websocket: { connect: webSocketTransport, WebSocket: RecordingSocket, reconnect: { baseDelayMs: 20, maxDelayMs: 200 }, batch },
  })
  const live = realtimeOf(client)
  clients.push(live)
  return { client, live }
}

/** Five calls made together once the socket is open; the log then holds only their frames. */
async function fiveEchoesOnOpenSocket(client: ReturnType<typeof kernel>['client']): Promise<string[]> {
  await client.call('ping')
  clearLog()
  return Promise.all(['a', 'b', 'c', 'd', 'e'].map(async (text) => (await client.call('echo', { text })).result.message))
}

describe('websocket: { batch: true }', () => {
  it('sends calls made together as one frame and reads their replies from one frame', async () => {
    expect(await fiveEchoesOnOpenSocket(kernel(true).client)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(sent).toHaveLength(1)
    expect(JSON.parse(sent[0]!)).toHaveLength(5)
    expect(received).toHaveLength(1)
    expect(JSON.parse(received[0]!)).toHaveLength(5)
  })

  it('without it, the same calls take a frame each (the default, which a Python server reads)', async () => {
    expect(await fiveEchoesOnOpenSocket(kernel(false).client)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(sent).toHaveLength(5)
    expect(received).toHaveLength(5)
    expect([...sent, ...received].some((text) => text.startsWith('['))).toBe(false)
  })

  it('sends at most 32 frames a batch, so a burst stays within the server\'s maxBatchFrames', async () => {
    const { client } = kernel(true)
    await client.call('ping')
    clearLog()
    const texts = Array.from({ length: 40 }, (_, i) => `t${i}`)
    expect(await Promise.all(texts.map(async (text) => (await client.call('echo', { text })).result.message))).toEqual(texts)
    expect(sent.map((text) => (JSON.parse(text) as unknown[]).length)).toEqual([32, 8])
  })

  it('settles each call of a batch with its own result or error', async () => {
    const { client } = kernel(true)
    const outcomes = await Promise.allSettled([
      client.call('echo', { text: 'fine' }),
      client.call('echo', { text: 42 as unknown as string }),
      client.call('add', { a: 2, b: 3 }),
      client.context('counter'),
    ])
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { result: { message: 'fine' } } })
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { code: 'VALIDATION_ERROR' } })
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(MizanError)
    expect(outcomes[2]).toMatchObject({ status: 'fulfilled', value: { result: { result: 5 } } })
    expect(outcomes[3]).toEqual({ status: 'fulfilled', value: { live_counter: { value: counter.value } } })
    expect(sent.filter((text) => text.startsWith('['))).toHaveLength(1)
  })

  it('subscribes and sends on a channel in one batch, and resumes both after the socket drops', async () => {
    const { live } = kernel(true)
    const got: string[] = []
    const room = live.channel('chat', { room: 'batched-room' }, { onMessage: (m) => got.push(m.text) })
    room.send({ text: 'queued before the socket opened' })
    await eventually(() => expect(got).toEqual(['queued before the socket opened']))
    // The subscribe and the message that waited for the socket left together.
    expect(JSON.parse(sent[0]!)).toMatchObject([{ action: 'subscribe' }, { action: 'message' }])

    for (const socket of server.ws.wss.clients) socket.terminate()
    await sleep(50)
    await eventually(() => expect(room.status).toBe('open'))
    room.send({ text: 'after the drop' })
    await eventually(() => expect(got).toEqual(['queued before the socket opened', 'after the drop']))
  })
})
