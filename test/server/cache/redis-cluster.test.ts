/**
 * The origin cache and the Redis bus on a real 3-master Redis Cluster, started here
 * (`redis-server --cluster-enabled yes` x3, `redis-cli --cluster create`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { RedisBus } from '../../../src/server/channels/redis-bus.ts'
import { boardUserResolver, buildBoardRouter, createDb } from './board-app.ts'

const run = promisify(execFile)
// Issue 23's port range (62300-62309): 62300 is the findings test's private Redis; each node's
// cluster bus port is set explicitly (the default, port + 10000, would not fit).
const PORTS = [62301, 62302, 62303]
const BUS_PORTS = [62304, 62305, 62306]
const dir = mkdtempSync(join(tmpdir(), 'mizan-cluster-'))
const nodes: ChildProcess[] = []
let cluster: Cluster

async function until(check: () => Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out: ${what}`)
}

beforeAll(async () => {
  for (const [i, port] of PORTS.entries()) {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--cluster-port', String(BUS_PORTS[i]), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    nodes.push(proc)
  }
  for (const port of PORTS) await until(async () => (await run('redis-cli', ['-p', String(port), 'ping'])).stdout.trim() === 'PONG', 10_000, `node ${port}`)
  await run('redis-cli', ['--cluster', 'create', ...PORTS.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'])
  await until(async () => (await run('redis-cli', ['-p', String(PORTS[0]), 'cluster', 'info'])).stdout.includes('cluster_state:ok'), 20_000, 'cluster_state:ok')
  cluster = new Cluster(PORTS.map((port) => ({ host: '127.0.0.1', port })))
  await until(async () => cluster.status === 'ready', 10_000, 'ioredis Cluster ready')
}, 60_000)

afterAll(async () => {
  await cluster?.quit().catch(() => cluster.disconnect())
  for (const proc of nodes) proc.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

describe('Redis Cluster', () => {
  it('caches, purges for every user across two dispatchers, and keeps each context in one slot', async () => {
    const db = createDb([1, 2])
    const router = buildBoardRouter(db)
    const serve = () => {
      const handler = createFetchHandler(router, { csrf: false, onError: () => {}, resolveUser: boardUserResolver(db), cache: { backend: new RedisCache(cluster), secret: 'cluster' } })
      return (path: string, user?: number, init: RequestInit = {}) => handler(new Request(`http://127.0.0.1/api/mizan/${path}`, { ...init, headers: { 'content-type': 'application/json', ...(user ? { 'x-user': String(user) } : {}) } }))
    }
    const [a, b] = [serve(), serve()]
    for (const id of [1, 2, 3]) db.users.get('2')!.boards.push(id)
    expect((await a('ctx/board/?board_id=3', 2)).headers.get('x-mizan-cache')).toBe('MISS')
    const hit = await b('ctx/board/?board_id=3', 2)
    expect(hit.headers.get('x-mizan-cache')).toBe('HIT')
    const added = await a('call/', 1, { method: 'POST', body: JSON.stringify({ fn: 'add_task', args: { board_id: 3, title: 'on the cluster' } }) })
    expect(added.status).toBe(200)
    const after = await b('ctx/board/?board_id=3', 2)
    expect(after.headers.get('x-mizan-cache')).toBe('MISS')
    expect(((await after.json()) as Record<string, unknown>)['board_tasks']).toEqual(['on the cluster'])

    const keys: string[] = []
    for (const node of cluster.nodes('master')) keys.push(...(await node.keys('mizan:{ctx:board}*')))
    expect(keys.length).toBeGreaterThanOrEqual(3)
    const slots = new Set(await Promise.all(keys.map((key) => cluster.cluster('KEYSLOT', key))))
    expect(slots.size).toBe(1)
  })

  it('a master restarted from a snapshot older than a purge does not serve its old bundles', async () => {
    const db = createDb([1, 2])
    const router = buildBoardRouter(db)
    const backend = new RedisCache(cluster)
    const handler = createFetchHandler(router, { csrf: false, onError: () => {}, resolveUser: boardUserResolver(db), cache: { backend, secret: 'cluster-restart', log: () => {} } })
    const read = async () => ((await (await handler(new Request('http://127.0.0.1/api/mizan/ctx/feed/?board_id=2'))).json()) as { feed_tasks: string[] }).feed_tasks
    expect(await read()).toEqual([])
    const slot = Number(await cluster.cluster('KEYSLOT', '{ctx:feed}'))
    const shards = await cluster.cluster('SLOTS')
    const port = shards.find(([from, to]) => slot >= from && slot <= to)![2]![1]
    const index = PORTS.indexOf(port)
    // Only this node ever saves: the nodes share `dir` and the default dump.rdb.
    await run('redis-cli', ['-p', String(port), 'save'])
    const added = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn: 'add_task', args: { board_id: 2, title: 'after the snapshot' } }), headers: { 'content-type': 'application/json', 'x-user': '1' } }))
    expect(added.status).toBe(200)
    expect(await read()).toEqual(['after the snapshot'])
    const before = backend.connectionEpoch
    nodes[index]!.kill('SIGKILL')
    await until(async () => backend.connectionEpoch > before, 10_000, 'the node loss seen')
    nodes[index] = spawn(
      'redis-server',
      ['--port', String(port), '--cluster-port', String(BUS_PORTS[index]), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    await until(async () => (await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).stdout.includes('cluster_state:ok'), 20_000, 'node back')
    await until(async () => (await cluster.get('x').then(() => true, () => false)), 10_000, 'cluster usable')
    // The snapshot is back: the old tokens and the bundle stamped with them.
    expect((await run('redis-cli', ['-p', String(port), 'keys', '*'])).stdout).toContain('mizan:{ctx:feed}:b:')
    expect(await read()).toEqual(['after the snapshot'])
  }, 60_000)

  it('fans RedisBus messages out across the cluster', async () => {
    const publisher = new RedisBus({ redis: cluster, onError: () => {} })
    const subscriber = new RedisBus({ redis: cluster.duplicate(), onError: () => {} })
    try {
      const got: string[] = []
      await subscriber.subscribe('mizan-test:cluster', (payload) => void got.push(payload))
      await publisher.publish('mizan-test:cluster', 'hello cluster')
      await until(async () => got.length > 0, 5_000, 'message')
      expect(got).toEqual(['hello cluster'])
    } finally {
      await publisher.close()
      await subscriber.close()
    }
  })
})
