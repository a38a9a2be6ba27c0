/**
 * Regression for "no catch-up after a reconnect": a client that comes back on a new socket must
 * hear of every watched bundle that changed while it was away, and of nothing else. The server
 * answers watches sent with `resume: true` with its position; a watch sent again with
 * `since: <position>` is invalidated only if something it watches happened after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket as WS } from 'ws'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { realtimeOf, webSocketTransport, type WebSocketConstructor } from '../../src/client/ws-transport.ts'
import type { InvalidateEntry } from '../../src/shared/protocol.ts'
import { ChannelHub } from '../../src/server/channels/hub.ts'
import { db } from '../fixtures/app-router.ts'
import { eventually, sleep, SocketPool, startServer, type RunningServer } from './helpers.ts'
import { resolveUser, wsRouter, type WsRouter } from './ws-router.ts'

const pool = new SocketPool()
let server: RunningServer

beforeAll(async () => {
  const hub = new ChannelHub()
  server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub, liveInvalidation: true }, { onInvalidate: hub.invalidated })
})
afterAll(async () => {
  await pool.closeAll()
  await server.close()
})

async function httpCall(fn: string, args: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/mizan/call/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-user': 'root', ...headers },
    body: JSON.stringify({ fn, args }),
  })
  expect(res.status).toBe(200)
}

const watchUser1 = { action: 'watch', context: 'user', params: { user_id: 1 }, resume: true }

describe('positions on the wire', () => {
  it('are sent only to a client that asks, after acks and invalidations', async () => {
    db.reset()
    const plain = await pool.connect(server.wsUrl)
    expect(await plain.request({ action: 'watch', context: 'user', params: { user_id: 1 } })).toEqual({ watching: true, context: 'user', params: { user_id: 1 } })
    const resuming = await pool.connect(server.wsUrl)
    expect(await resuming.request(watchUser1)).toEqual({ watching: true, context: 'user', params: { user_id: 1 } })
    const first = await resuming.next()
    expect(first).toEqual({ type: 'position', position: expect.stringMatching(/^[0-9a-f-]+:\d+$/) })
    await httpCall('update_profile', { user_id: 1, name: 'A' })
    expect(await resuming.next()).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
    const second = await resuming.next()
    expect(second.type).toBe('position')
    expect(Number(second.position.split(':')[1])).toBeGreaterThan(Number(first.position.split(':')[1]))
    // The Python-compatible socket sees exactly what it saw before: no position frames.
    expect(await plain.next()).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
    expect(await plain.drain(100)).toEqual([])
  })

  it('a watch resumed from a position hears only of what changed since', async () => {
    db.reset()
    const before = await pool.connect(server.wsUrl)
    await before.request(watchUser1)
    const { position } = await before.next()
    await before.close()

    // Quiet meanwhile (a change to someone else's bundle does not count): no invalidation.
    await httpCall('update_profile', { user_id: 2, name: 'Other' })
    const quiet = await pool.connect(server.wsUrl)
    expect(await quiet.request({ ...watchUser1, since: position })).toMatchObject({ watching: true })
    expect((await quiet.next()).type).toBe('position')
    expect(await quiet.drain(100)).toEqual([])

    // Changed meanwhile: the bundle is invalidated right after the ack.
    await httpCall('update_profile', { user_id: 1, name: 'Changed while away' })
    const behind = await pool.connect(server.wsUrl)
    expect(await behind.request({ ...watchUser1, since: position })).toMatchObject({ watching: true })
    expect(await behind.next()).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
    expect((await behind.next()).type).toBe('position')
  })

  it('a position this process cannot vouch for (another process, a restart, garbage) resyncs', async () => {
    for (const since of ['00000000-0000-0000-0000-000000000000:3', 'nonsense', 42, null]) {
      const socket = await pool.connect(server.wsUrl)
      expect(await socket.request({ ...watchUser1, since })).toMatchObject({ watching: true })
      expect(await socket.next()).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
      await socket.close()
    }
  })

  it("the client's own mutation while away does not count: it applied the response itself", async () => {
    const before = await pool.connect(`${server.wsUrl}?client=c-resume-1`)
    await before.request(watchUser1)
    const { position } = await before.next()
    await before.close()
    await httpCall('update_profile', { user_id: 1, name: 'Mine' }, { 'x-mizan-client': 'c-resume-1' })
    const back = await pool.connect(`${server.wsUrl}?client=c-resume-1`)
    expect(await back.request({ ...watchUser1, since: position })).toMatchObject({ watching: true })
    expect((await back.next()).type).toBe('position')
    expect(await back.drain(100)).toEqual([])
  })
})

describe('the client across a dropped socket', () => {
  function liveClient() {
    const client = createMizanClient<WsRouter>({
      baseUrl: `${server.url}/api/mizan`,
      csrf: false,
      headers: { 'x-test-user': 'alice' },
      websocket: { connect: webSocketTransport, WebSocket: WS as unknown as WebSocketConstructor, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } },
    })
    const realtime = realtimeOf(client)
    const heard: InvalidateEntry[][] = []
    realtime.onInvalidate((entries) => heard.push(entries))
    return { realtime, heard }
  }
  const dropAll = () => {
    for (const socket of server.ws.wss.clients) socket.terminate()
  }

  it('hears of a change made while it was away, and of nothing after a quiet drop', async () => {
    db.reset()
    const { realtime, heard } = liveClient()
    try {
      realtime.watch('user', { user_id: 1 })
      realtime.watch('global')
      await pool.closeAll()
      await eventually(() => expect(server.ws.size).toBe(1))
      await sleep(100)

      // A quiet drop: the client comes back, and nothing is refetched.
      dropAll()
      await eventually(() => expect(realtime.connection.status).toBe('open'))
      await sleep(200)
      expect(heard).toEqual([])

      // A change while the socket is down: heard once the new socket confirms the watch.
      dropAll()
      await httpCall('update_profile', { user_id: 1, name: 'While down' })
      await eventually(() => expect(heard).toEqual([[{ context: 'user', params: { user_id: 1 } }]]))
      await sleep(150)
      expect(heard).toHaveLength(1)
    } finally {
      realtime.connection.close()
    }
  })
})
