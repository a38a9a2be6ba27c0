/**
 * Regression for "a change between a bundle's first read and its first watch is not announced":
 * at page load the HTTP read answers before the socket is open, so the watch is registered
 * later; a mutation in between reached nobody. The client now sends with a first watch the
 * bundle's age (ms since it asked for it, on its own clock), and the server invalidates the
 * bundle at once if its log holds anything concerning it in that window (with slack), or if it
 * cannot vouch for the window. Nothing changed: no frame, so no request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket as WS } from 'ws'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { realtimeOf, webSocketTransport, type WebSocketConstructor } from '../../src/client/ws-transport.ts'
import type { InvalidateEntry } from '../../src/shared/protocol.ts'
import { ChannelHub } from '../../src/server/channels/hub.ts'
import { AGE_SLACK_MS } from '../../src/server/channels/live-registry.ts'
import { db } from '../fixtures/app-router.ts'
import { eventually, sleep, SocketPool, startServer, type FrameClient, type RunningServer } from './helpers.ts'
import { resolveUser, wsRouter, type WsRouter } from './ws-router.ts'

const pool = new SocketPool()
let server: RunningServer
let warm: FrameClient

beforeAll(async () => {
  const hub = new ChannelHub()
  server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub, liveInvalidation: true }, { onInvalidate: hub.invalidated })
  // Another page has watched for a while: the process has heard every invalidation for longer than any window below.
  warm = await pool.connect(server.wsUrl)
  await warm.request({ action: 'watch', context: 'global', resume: true })
  db.reset()
  await sleep(AGE_SLACK_MS + 300)
})
afterAll(async () => {
  await pool.closeAll()
  await server.close()
})

async function httpCall(fn: string, args: unknown) {
  const res = await fetch(`${server.url}/api/mizan/call/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-user': 'root' },
    body: JSON.stringify({ fn, args }),
  })
  expect(res.status).toBe(200)
}

async function httpRead(): Promise<unknown> {
  const res = await fetch(`${server.url}/api/mizan/ctx/user/?user_id=1`, { headers: { 'x-test-user': 'alice' } })
  expect(res.status).toBe(200)
  return res.json()
}

function liveClient() {
  const client = createMizanClient<WsRouter>({
    baseUrl: `${server.url}/api/mizan`,
    csrf: false,
    headers: { 'x-test-user': 'alice' },
    websocket: { connect: webSocketTransport, WebSocket: WS as unknown as WebSocketConstructor },
  })
  const realtime = realtimeOf(client)
  const heard: InvalidateEntry[][] = []
  realtime.onInvalidate((entries) => heard.push(entries))
  return { realtime, heard }
}

const user1 = [{ context: 'user', params: { user_id: 1 } }]

describe('a change between the first read and the first watch', () => {
  it('nothing changed since the read: the watch costs no frame and no refetch', async () => {
    const { realtime, heard } = liveClient()
    try {
      const readAt = Date.now()
      await httpRead()
      await sleep(50)
      realtime.watch('user', { user_id: 1 }, { since: readAt })
      await eventually(() => expect(realtime.connection.status).toBe('open'))
      await sleep(300)
      expect(heard).toEqual([])
    } finally {
      realtime.connection.close()
    }
  })

  it('is announced: read, mutate through another client, then watch → the page is told to refetch', async () => {
    const { realtime, heard } = liveClient()
    try {
      const readAt = Date.now()
      const before = await httpRead()
      await httpCall('update_profile', { user_id: 1, name: 'Changed before the watch' })
      expect(await httpRead()).not.toEqual(before)
      await sleep(50)
      realtime.watch('user', { user_id: 1 }, { since: readAt })
      await eventually(() => expect(heard).toEqual([user1]))
      await sleep(200)
      expect(heard).toEqual([user1])
    } finally {
      realtime.connection.close()
    }
  })

  it('on the wire: `age` covers the window; a change to another bundle, or none, sends nothing', async () => {
    await sleep(AGE_SLACK_MS + 300)
    const readAt = Date.now()
    await httpCall('update_profile', { user_id: 2, name: 'Someone else' })
    const quiet = await pool.connect(server.wsUrl)
    expect(await quiet.request({ action: 'watch', context: 'user', params: { user_id: 1 }, age: Date.now() - readAt })).toMatchObject({ watching: true })
    expect(await quiet.drain(150)).toEqual([])

    await httpCall('update_profile', { user_id: 1, name: 'Again' })
    const late = await pool.connect(server.wsUrl)
    expect(await late.request({ action: 'watch', context: 'user', params: { user_id: 1 }, age: 10 })).toMatchObject({ watching: true })
    expect(await late.next()).toEqual({ type: 'invalidate', invalidate: user1 })
    // An age the server cannot vouch for (longer than it has heard everything, or garbage) is a refetch, never a miss.
    for (const age of [10 * 60_000, 'old', -1]) {
      const socket = await pool.connect(server.wsUrl)
      expect(await socket.request({ action: 'watch', context: 'user', params: { user_id: 1 }, age })).toMatchObject({ watching: true })
      expect(await socket.next()).toEqual({ type: 'invalidate', invalidate: user1 })
    }
  })

  it('a Python-style watch (no age, no resume) sees exactly the frames it saw before', async () => {
    await httpCall('update_profile', { user_id: 1, name: 'Recent' })
    const plain = await pool.connect(server.wsUrl)
    expect(await plain.request({ action: 'watch', context: 'user', params: { user_id: 1 } })).toEqual({ watching: true, context: 'user', params: { user_id: 1 } })
    expect(await plain.drain(150)).toEqual([])
  })
})
