/**
 * Two server processes sharing Redis pub/sub: this test process runs server A, a child node
 * process runs server B (test/ws/peer-server.ts). A publish in one reaches sockets of the
 * other, and so does a live invalidation — scoped so no user hears another user's params.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChannelHub } from '../../src/server/channels/hub.ts'
import { RedisBus } from '../../src/server/channels/redis-bus.ts'
import { db } from '../fixtures/app-router.ts'
import { FrameClient, startServer, type RunningServer } from './helpers.ts'
import { chat, realtime, resolveUser, wsRouter } from './ws-router.ts'

const REDIS_URL = 'redis://127.0.0.1:6379'
/** A fresh topic prefix: other runs and other suites on the shared Redis never cross ours. */
const PREFIX = `mizan-test:${randomUUID()}:`

let peer: ChildProcess
let peerPort = 0
let a: RunningServer
let bus: RedisBus
const sockets: FrameClient[] = []

async function startPeer(): Promise<void> {
  const script = fileURLToPath(new URL('./peer-server.ts', import.meta.url))
  peer = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, MIZAN_TEST_REDIS_URL: REDIS_URL, MIZAN_TEST_PREFIX: PREFIX },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  peer.stdout!.setEncoding('utf8')
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer did not start: ${out}`)), 20_000)
    peer.once('exit', (code) => reject(new Error(`peer exited with ${code}: ${out}`)))
    peer.stdout!.on('data', (chunk: string) => {
      out += chunk
      const line = /\{"port":(\d+)\}/.exec(out)
      if (line) {
        clearTimeout(timer)
        peerPort = Number(line[1])
        resolve()
      }
    })
  })
}

beforeAll(async () => {
  bus = new RedisBus({ redis: REDIS_URL })
  realtime.hub = new ChannelHub({ bus, prefix: PREFIX })
  const hub = realtime.hub
  ;[a] = await Promise.all([
    startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub, liveInvalidation: true }, { onInvalidate: hub.invalidated }),
    startPeer(),
  ])
})

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()))
  await a?.close()
  if (peer && peer.exitCode === null) {
    peer.kill('SIGTERM')
    await once(peer, 'exit')
  }
  await bus?.close()
  realtime.hub = new ChannelHub()
})

async function connect(port: number, user?: string): Promise<FrameClient> {
  const client = await FrameClient.connect(`ws://127.0.0.1:${port}/ws/`, user ? { 'x-test-user': user } : {})
  sockets.push(client)
  return client
}

async function httpCall(port: number, fn: string, args: unknown, user = 'root') {
  const res = await fetch(`http://127.0.0.1:${port}/api/mizan/call/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-user': user },
    body: JSON.stringify({ fn, args }),
  })
  expect(res.status).toBe(200)
  return res.json()
}

describe('channels across processes', () => {
  it('a publish in process A reaches a subscriber connected to process B', async () => {
    const onB = await connect(peerPort, 'alice')
    expect(await onB.request({ action: 'subscribe', channel: 'chat', params: { room: 'redis' } })).toMatchObject({ subscribed: true })
    await realtime.hub.publish(chat, { room: 'redis' }, { text: 'from A', sender: 'server-a' })
    expect(await onB.next(3000)).toEqual({ channel: 'chat', params: { room: 'redis' }, type: 'ServerMessage', data: { text: 'from A', sender: 'server-a' } })
  })

  it("a client's message on B reaches the group's sockets on A and on B", async () => {
    const onA = await connect(a.port, 'sam')
    const onB = await connect(peerPort, 'alice')
    for (const client of [onA, onB]) expect(await client.request({ action: 'subscribe', channel: 'chat', params: { room: 'both' } })).toMatchObject({ subscribed: true })
    onB.send({ action: 'message', channel: 'chat', params: { room: 'both' }, data: { text: 'hello from B' } })
    const expected = { channel: 'chat', params: { room: 'both' }, type: 'ServerMessage', data: { text: 'hello from B', sender: 'alice' } }
    expect(await onA.next(3000)).toEqual(expected)
    expect(await onB.next(3000)).toEqual(expected)
  })

  it('a server function on B publishes to sockets on A', async () => {
    const onA = await connect(a.port)
    expect(await onA.request({ action: 'subscribe', channel: 'notices' })).toMatchObject({ subscribed: true })
    await httpCall(peerPort, 'post_notice', { text: 'from B' }, 'sam')
    expect((await onA.next(3000)).data).toEqual({ level: 'info', text: 'from B' })
  })
})

describe('live invalidation across processes', () => {
  it("reaches the watchers of the affected params on the other process, and nobody else's", async () => {
    db.reset()
    // Alice and Sam each watch their own profile bundle, on process B; Carol watches `global` on A.
    const alice = await connect(peerPort, 'alice')
    const sam = await connect(peerPort, 'sam')
    const carol = await connect(a.port)
    expect(await alice.request({ action: 'watch', context: 'user', params: { user_id: 1 } })).toEqual({ watching: true, context: 'user', params: { user_id: 1 } })
    expect(await sam.request({ action: 'watch', context: 'user', params: { user_id: 2 } })).toEqual({ watching: true, context: 'user', params: { user_id: 2 } })
    expect(await carol.request({ action: 'watch', context: 'global', params: {} })).toMatchObject({ watching: true })

    // An HTTP mutation of Sam's profile on process A.
    await httpCall(a.port, 'update_profile', { user_id: 2, name: 'Samwise' })
    expect(await sam.next(3000)).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 2 } }] })

    // A socket mutation on B touching Alice's profile and `global`.
    const rpc = await alice.request({ action: 'rpc', id: 'm1', fn: 'touch_everything', args: { user_id: 1 } })
    expect(rpc).toMatchObject({ id: 'm1', ok: true })
    expect(await alice.next(3000)).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
    expect(await carol.next(3000)).toEqual({ type: 'invalidate', invalidate: ['global'] })

    // A merge (from A) becomes a refetch for B's watcher: the merged value is the mutating user's.
    await httpCall(a.port, 'rename_user', { user_id: 1, name: 'Ally' })
    expect(await alice.next(3000)).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })

    // No leak: Alice never heard about user 2, Sam never about user 1, Carol nothing scoped.
    await new Promise((r) => setTimeout(r, 150))
    expect(alice.texts.join('\n')).not.toContain('"user_id":2')
    expect(sam.texts.join('\n')).not.toContain('"user_id":1')
    expect(sam.frames.filter((f: any) => f.type === 'invalidate')).toHaveLength(1)
    expect(carol.texts.join('\n')).not.toContain('user_id')
  })

  it('refuses to watch a context the caller may not read, and stops after unwatch', async () => {
    const anon = await connect(peerPort)
    expect(await anon.request({ action: 'watch', context: 'members', params: {} })).toEqual({ error: 'Authentication required', context: 'members' })
    expect(await anon.request({ action: 'watch', context: 'nope', params: {} })).toEqual({ error: 'Unknown context: nope' })
    expect(await anon.request({ action: 'watch', context: 'user', params: { user_id: 3 } })).toMatchObject({ watching: true })
    expect(await anon.request({ action: 'unwatch', context: 'user', params: { user_id: 3 } })).toEqual({ unwatched: true, context: 'user', params: { user_id: 3 } })
    await httpCall(a.port, 'update_profile', { user_id: 3, name: 'Rooty' })
    expect(await anon.drain(300)).toEqual([])
  })
})
