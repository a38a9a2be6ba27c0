/**
 * Regression for "updates published during a Redis outage are lost, silently": two hubs, each
 * with its own RedisBus (two processes as far as Redis can tell), on a private redis-server the
 * test stops for a while. Sockets on the mutating process must not depend on Redis; the other
 * process's watchers must be resynced once Redis is back; the outage is logged once, not per retry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BusUnavailableError } from '../../src/server/channels/bus.ts'
import { ChannelHub } from '../../src/server/channels/hub.ts'
import { RedisBus } from '../../src/server/channels/redis-bus.ts'
import { db } from '../fixtures/app-router.ts'
import { PrivateRedis } from '../support/private-redis.ts'
import { eventually, SocketPool, startServer, type RunningServer } from './helpers.ts'
import { resolveUser, wsRouter } from './ws-router.ts'

const redis = new PrivateRedis(62501)
const pool = new SocketPool()
const logs = { a: [] as string[], b: [] as string[] }
const buses: RedisBus[] = []
let a: RunningServer
let b: RunningServer

async function serverWith(log: string[]): Promise<RunningServer> {
  const bus = new RedisBus({ redis: { port: redis.port, host: '127.0.0.1' }, onError: (e) => log.push(`error: ${String(e)}`) })
  buses.push(bus)
  const hub = new ChannelHub({ bus, prefix: 'outage-test:', log: (line) => log.push(line) })
  return startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub, liveInvalidation: true }, { onInvalidate: hub.invalidated })
}

async function httpCall(server: RunningServer, fn: string, args: unknown) {
  const res = await fetch(`${server.url}/api/mizan/call/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-user': 'root' },
    body: JSON.stringify({ fn, args }),
  })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  await redis.start()
  ;[a, b] = await Promise.all([serverWith(logs.a), serverWith(logs.b)])
})

afterAll(async () => {
  await pool.closeAll()
  await Promise.all([a?.close(), b?.close()])
  await Promise.all(buses.map((bus) => bus.close()))
  await redis.stop()
})

describe('a Redis outage', () => {
  it('keeps same-process delivery, fails publishes loudly, logs once, and resyncs the other process when Redis is back', async () => {
    db.reset()
    const onA = await pool.connect(a.wsUrl, { 'x-test-user': 'alice' })
    const onB = await pool.connect(b.wsUrl, { 'x-test-user': 'sam' })
    expect(await onA.request({ action: 'watch', context: 'user', params: { user_id: 1 } })).toMatchObject({ watching: true })
    expect(await onB.request({ action: 'watch', context: 'user', params: { user_id: 1 } })).toMatchObject({ watching: true })
    expect(await onB.request({ action: 'watch', context: 'global', params: {} })).toMatchObject({ watching: true })
    for (const socket of [onA, onB]) expect(await socket.request({ action: 'subscribe', channel: 'chat', params: { room: 'outage' } })).toMatchObject({ subscribed: true })

    await redis.stop()
    await eventually(() => expect(logs.a.filter((l) => l.startsWith('channel bus down'))).toHaveLength(1))
    // The publish does not wait in ioredis's offline queue to be sent to nobody: it fails now.
    await expect(buses[0]!.publish('outage-test:probe', 'x')).rejects.toBeInstanceOf(BusUnavailableError)

    // A mutation on A reaches A's own watcher, Redis or not; a chat message reaches A's own room members.
    await httpCall(a, 'update_profile', { user_id: 1, name: 'During the outage' })
    expect(await onA.next(1000)).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
    onA.send({ action: 'message', channel: 'chat', params: { room: 'outage' }, data: { text: 'still here' } })
    expect(await onA.next(1000)).toMatchObject({ channel: 'chat', data: { text: 'still here', sender: 'alice' } })
    // B cannot hear it while Redis is down.
    expect(await onB.drain(300)).toEqual([])

    // Several reconnect attempts fail meanwhile; none of them is logged again.
    await new Promise((r) => setTimeout(r, 1_500))
    await redis.start()
    const back = Date.now()
    // B resyncs everything it watches: the update it missed arrives as an invalidation of it.
    const resync = await onB.nextWhere((f) => f.type === 'invalidate', 3_000)
    expect(Date.now() - back).toBeLessThan(3_000)
    expect(resync).toEqual({ type: 'invalidate', invalidate: expect.arrayContaining([{ context: 'user', params: { user_id: 1 } }, 'global']) })

    for (const log of [logs.a, logs.b]) {
      await eventually(() => expect(log.filter((l) => l.startsWith('channel bus back'))).toHaveLength(1))
      expect(log.filter((l) => l.startsWith('channel bus down'))).toHaveLength(1)
      expect(log.filter((l) => l.startsWith('error:')).length).toBeLessThanOrEqual(1)
    }

    // And it flows normally again, across processes.
    await onB.drain(300)
    await httpCall(a, 'update_profile', { user_id: 1, name: 'After the outage' })
    expect(await onB.nextWhere((f) => f.type === 'invalidate', 2_000)).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
  }, 20_000)
})
