/**
 * Redis restarted from its own persistence (AOF here; an RDB snapshot alike) brings back
 * generation tokens and bundles older than purges made since: no process may serve them.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { boardUserResolver, buildBoardRouter, createDb } from './board-app.ts'

let PORT = 62320
let dir = mkdtempSync(join(tmpdir(), 'mizan-redis-restart-'))
const dirs = [dir]
let proc: ChildProcess | undefined

async function startRedis() {
  proc = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' })
  const probe = new RedisCache(`redis://127.0.0.1:${PORT}`)
  try {
    for (let i = 0; i < 100; i++) {
      if (await probe.client.ping().then(() => true, () => false)) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('redis did not start')
  } finally {
    await probe.quit()
  }
}

async function stopRedis() {
  const running = proc
  if (!running || running.exitCode !== null) return
  await new Promise<void>((resolve) => {
    running.once('exit', () => resolve())
    running.kill('SIGKILL')
  })
}

afterAll(async () => {
  await stopRedis()
  for (const made of dirs) rmSync(made, { recursive: true, force: true })
})

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25))
}

describe('Redis restarted from persistence serves bundles older than a purge', () => {
  it('another process does not serve the restored bundle after a mutation lost to the restart', async () => {
    await startRedis()
    const db = createDb([1, 2])
    const router = buildBoardRouter(db)
    const process = (cache: RedisCache) => {
      const handler = createFetchHandler(router, { csrf: false, onError: () => {}, resolveUser: boardUserResolver(db), cache: { backend: cache, secret: 'restart', log: () => {} } })
      return {
        read: async () => {
          const res = await handler(new Request('http://127.0.0.1/api/mizan/ctx/board/?board_id=1', { headers: { 'x-user': '2' } }))
          return [res.headers.get('x-mizan-cache'), ((await res.json()) as { board_tasks: string[] }).board_tasks]
        },
        add: async (title: string) =>
          (await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn: 'add_task', args: { board_id: 1, title } }), headers: { 'content-type': 'application/json', 'x-user': '1' } }))).status,
      }
    }
    const cacheA = new RedisCache(`redis://127.0.0.1:${PORT}`)
    const cacheB = new RedisCache(`redis://127.0.0.1:${PORT}`)
    try {
      const a = process(cacheA)
      const b = process(cacheB)
      expect(await b.read()).toEqual(['MISS', []])
      expect(await b.read()).toEqual(['HIT', []])
      await stopRedis()
      await until(() => cacheA.client.status !== 'ready' && cacheB.client.status !== 'ready')
      // The mutation commits; its purge cannot reach Redis.
      expect(await a.add('while redis was down')).toBe(200)
      await startRedis()
      await until(() => cacheA.client.status === 'ready' && cacheB.client.status === 'ready')
      expect((await b.read())[1]).toEqual(['while redis was down'])
      expect((await a.read())[1]).toEqual(['while redis was down'])
    } finally {
      await cacheA.quit()
      await cacheB.quit()
    }
  }, 30_000)

  it('no process serves bundles of an RDB snapshot taken before a purge that succeeded', async () => {
    await stopRedis()
    PORT = 62321
    dirs.push((dir = mkdtempSync(join(tmpdir(), 'mizan-redis-restart-'))))
    await startRedis()
    const db = createDb([1, 2])
    const router = buildBoardRouter(db)
    const cacheA = new RedisCache(`redis://127.0.0.1:${PORT}`)
    const cacheB = new RedisCache(`redis://127.0.0.1:${PORT}`)
    const handlerOf = (cache: RedisCache) => createFetchHandler(router, { csrf: false, onError: () => {}, resolveUser: boardUserResolver(db), cache: { backend: cache, secret: 'snapshot', log: () => {} } })
    const a = handlerOf(cacheA)
    const b = handlerOf(cacheB)
    const read = async (handler: typeof a) => ((await (await handler(new Request('http://127.0.0.1/api/mizan/ctx/board/?board_id=2', { headers: { 'x-user': '2' } }))).json()) as { board_tasks: string[] }).board_tasks
    try {
      await until(() => cacheA.client.status === 'ready' && cacheB.client.status === 'ready')
      await cacheA.client.config('SET', 'appendonly', 'no')
      expect(await read(b)).toEqual([])
      await cacheA.client.save()
      const res = await a(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn: 'add_task', args: { board_id: 2, title: 'after the snapshot' } }), headers: { 'content-type': 'application/json', 'x-user': '1' } }))
      expect(res.status).toBe(200)
      expect(await read(b)).toEqual(['after the snapshot'])
      await stopRedis()
      await until(() => cacheA.client.status !== 'ready' && cacheB.client.status !== 'ready')
      proc = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
      await until(() => cacheA.client.status === 'ready' && cacheB.client.status === 'ready')
      expect(await read(b)).toEqual(['after the snapshot'])
    } finally {
      await cacheA.quit()
      await cacheB.quit()
    }
  }, 30_000)
})
