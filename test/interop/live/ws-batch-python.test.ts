/**
 * The kernel's socket against the live Django backend: a frame per request works as is, and
 * `websocket: { batch: true }`, which the reference cannot read (it closes the socket with 1011
 * on an array frame), costs one clear failure and then falls back to a frame per request:
 * reads are answered, later calls succeed. PROTOCOL.md §15.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient } from '../../../src/client/index.ts'
import { realtimeOf, webSocketTransport } from '../../../src/client/ws-transport.ts'
import { recordingWebSocket, type SocketLog } from '../../ws/helpers.ts'
import type { izanaFixtureRouter } from '../replay/izana-fixture-router.ts'
import { startPythonBackend, type PythonBackend } from './python-backend.ts'

type Fixture = typeof izanaFixtureRouter

let backend: PythonBackend
const log: SocketLog = { sent: [], received: [], closes: [] }
const { sent, closes } = log
const RecordingSocket = recordingWebSocket(log)
const clients: { connection: { close(): void } }[] = []

beforeAll(async () => {
  backend = await startPythonBackend()
})
afterAll(async () => {
  await backend?.stop()
})
afterEach(() => {
  for (const c of clients.splice(0)) c.connection.close()
  for (const list of Object.values(log)) list.length = 0
})

function socketClient(batch: boolean) {
  const client = createMizanClient<Fixture>({
    dialect: 'izana',
    baseUrl: backend.baseUrl,
    transport: 'websocket',
    websocket: { connect: webSocketTransport, WebSocket: RecordingSocket, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, batch },
  })
  clients.push(realtimeOf(client))
  return client
}

const echoes = (client: ReturnType<typeof socketClient>, texts: string[]) => Promise.allSettled(texts.map((text) => client.call('wsEcho', { text })))

describe('kernel socket → Python', () => {
  it('without batch: calls and a context read go a frame each and are answered', async () => {
    const client = socketClient(false)
    const [a, b, live] = await Promise.all([client.call('wsEcho', { text: 'a' }), client.call('wsEcho', { text: 'b' }), client.context('live')])
    expect([a.result, b.result]).toEqual([{ message: 'a' }, { message: 'b' }])
    expect(live).toEqual({ live_status: { online: 3 } })
    expect(sent).toHaveLength(3)
    expect(sent.some((text) => text.startsWith('['))).toBe(false)
  })

  it('with batch: the refused batch fails its calls clearly, its read is answered, and the client goes on a frame per request', async () => {
    const client = socketClient(true)
    const [first, second, live] = await Promise.allSettled([client.call('wsEcho', { text: 'a' }), client.call('wsEcho', { text: 'b' }), client.context('live')])
    expect(sent[0]!.startsWith('[')).toBe(true)
    // (A 1000 may be the previous test's socket, closed as it ended.)
    expect(closes.filter((code) => code !== 1000)).toEqual([1011])
    for (const outcome of [first, second]) {
      expect(outcome.status).toBe('rejected')
      const reason = (outcome as PromiseRejectedResult).reason as { code: string; message: string }
      expect(reason.code).toBe('NETWORK_ERROR')
      expect(reason.message).toBe("The server closed the socket (1011) on a batch: it reads no batches (Python?), so websocket.batch is now off; call 'ws_echo' was not retried")
    }
    expect(live).toEqual({ status: 'fulfilled', value: { live_status: { online: 3 } } })

    sent.length = 0
    const later = await echoes(client, ['c', 'd', 'e'])
    expect(later.map((o) => (o.status === 'fulfilled' ? o.value.result : o.reason))).toEqual([{ message: 'c' }, { message: 'd' }, { message: 'e' }])
    expect(sent).toHaveLength(3)
    expect(sent.some((text) => text.startsWith('['))).toBe(false)
    expect(closes.filter((code) => code !== 1000)).toEqual([1011])
  })
})
