/**
 * Origin-cache purges and reads against the size of the Redis keyspace: 10k, 100k and 1M keys in
 * a private redis-server, 1,000 of them bundles of the purged context. Side by side: the
 * generation-token cache (src/server/cache) and the reference's layout it replaced (one GET per
 * read, UNLINK of the caller's and the anonymous key per scoped purge, SCAN + UNLINK per broad
 * purge), both through the same ioredis client.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { z } from 'zod'
import { ContextCache } from '../../../src/server/cache/context-cache.ts'
import { contextKeyPrefix, deriveCacheKey } from '../../../src/server/cache/keys.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { createMizan } from '../../../src/server/index.ts'
import { ratioGoal, row, type Goal, type ScenarioResult } from '../lib/report.ts'
import type { BenchOptions } from '../main.ts'

const SECRET = 'bench-secret-not-for-production'
const NS = 'mizan:'
const CONTEXT_KEYS = 1_000
const BUNDLE = JSON.stringify({ board_tasks: Array.from({ length: 8 }, (_, i) => ({ id: i, title: `task ${i}`, done: i % 2 === 0 })) })

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function startRedis(): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort()
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'], { stdio: 'ignore' })
  return { proc, url: `redis://127.0.0.1:${port}` }
}

const micros = (start: bigint) => Number(process.hrtime.bigint() - start) / 1000
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

export async function runCachePurge(o: BenchOptions): Promise<ScenarioResult> {
  const { defineClient, createRouter } = createMizan()
  const router = createRouter({ boardTasks: defineClient({ context: 'board', input: z.object({ board_id: z.number().int() }) }, () => []) })
  const ctx = router.contexts.get('board')!
  const redis = await startRedis()
  const backend = new RedisCache(redis.url, { namespace: NS })
  const cache = new ContextCache({ backend, secret: SECRET, log: () => {} })
  const client = backend.client
  const rows = []
  const goals: Goal[] = []
  const notes: string[] = []
  const sizes = o.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]
  const reads = o.quick ? 1_000 : 3_000
  const purges = o.quick ? 100 : 300
  const compute = async () => BUNDLE
  const readOf = (i: number) => ({ params: { board_id: i }, raw: { board_id: String(i) } })
  const oldKey = (i: number, user: string | null) => NS + deriveCacheKey(SECRET, 'board', { board_id: String(i) }, user, 0)
  const readRatios: number[] = []
  /** The read path the generation cache replaced, as it was: HMAC key, then one GET through the backend (and its outage guard). */
  const referenceRead = async (i: number) => {
    try {
      return await backend.get(deriveCacheKey(SECRET, 'board', { board_id: String(i) }, null, 0))
    } catch {
      return null
    }
  }
  try {
    for (let tries = 0; tries < 50 && (await client.ping().catch(() => '')) !== 'PONG'; tries++) await new Promise((r) => setTimeout(r, 100))
    for (const size of sizes) {
      await client.flushall()
      await client.call('DEBUG', 'POPULATE', String(size - 2 * CONTEXT_KEYS), 'other')
      const fillOld = async () => {
        const pipe = client.pipeline()
        for (let i = 0; i < CONTEXT_KEYS; i++) pipe.set(oldKey(i, null), BUNDLE, 'EX', 86_400)
        await pipe.exec()
      }
      await fillOld()
      // The new layout's bundles and generations (the first read of a key starts its generations, the second stores).
      for (let i = 0; i < CONTEXT_KEYS; i++) {
        await cache.fetch(ctx, readOf(i), null, compute)
        await cache.fetch(ctx, readOf(i), null, compute)
      }
      const dbsize = await client.dbsize()

      // Reads: interleaved, so load on the shared machine hits both the same.
      const readNew: number[] = []
      const readOld: number[] = []
      for (let n = 0; n < reads; n++) {
        const i = n % CONTEXT_KEYS
        let t = process.hrtime.bigint()
        const hit = await cache.fetch(ctx, readOf(i), null, compute)
        readNew.push(micros(t))
        if (hit.outcome !== 'HIT') throw new Error(`read ${i} was a ${hit.outcome}`)
        t = process.hrtime.bigint()
        const body = await referenceRead(i)
        readOld.push(micros(t))
        if (body === null) throw new Error(`old key ${i} missing`)
      }
      const scopedNew: number[] = []
      const scopedOld: number[] = []
      for (let n = 0; n < purges; n++) {
        const i = n % CONTEXT_KEYS
        let t = process.hrtime.bigint()
        await cache.purge(router, [{ context: 'board', params: { board_id: i } }], '7')
        scopedNew.push(micros(t))
        t = process.hrtime.bigint()
        for (const owner of ['7', null]) await client.unlink(oldKey(i, owner))
        scopedOld.push(micros(t))
      }
      const broadNew: number[] = []
      for (let n = 0; n < purges; n++) {
        const t = process.hrtime.bigint()
        await cache.purge(router, ['board'], null)
        broadNew.push(micros(t))
      }
      const broadOld: number[] = []
      const scans = size >= 1_000_000 ? 3 : 5
      for (let n = 0; n < scans; n++) {
        await fillOld()
        const t = process.hrtime.bigint()
        const deleted = await backend.deleteByPrefix(contextKeyPrefix('board'))
        broadOld.push(micros(t))
        if (deleted < CONTEXT_KEYS) throw new Error(`SCAN purge deleted ${deleted} keys`)
      }
      const label = `${size.toLocaleString('en-US')} keys`
      rows.push(
        row('cache-purge', `generations: read (HIT), ${label}`, 'p50 latency', 'µs', [median(readNew)]),
        row('cache-purge', `reference layout: read (HMAC + GET), ${label}`, 'p50 latency', 'µs', [median(readOld)]),
        row('cache-purge', `generations: scoped purge, ${label}`, 'p50 latency', 'µs', [median(scopedNew)]),
        row('cache-purge', `reference layout: scoped purge (2 UNLINK), ${label}`, 'p50 latency', 'µs', [median(scopedOld)]),
        row('cache-purge', `generations: broad purge, ${label}`, 'p50 latency', 'µs', [median(broadNew)], `max ${Math.max(...broadNew).toFixed(0)} µs`),
        row('cache-purge', `reference layout: broad purge (SCAN), ${label}`, 'p50 latency', 'µs', [median(broadOld)], `${scans} runs`),
      )
      notes.push(`${label}: DBSIZE ${dbsize} during the reads`)
      if (size === sizes.at(-1)) {
        readRatios.push(...readNew.map((v, n) => v / (readOld[n] ?? NaN)))
        goals.push(
          { id: 'purge-broad', measure: `Broad purge p50 at ${label}`, target: '≤ 5 ms', value: median(broadNew) / 1000, met: median(broadNew) <= 5000 },
          { id: 'purge-scoped', measure: `Scoped purge p50 at ${label}`, target: '≤ 5 ms', value: median(scopedNew) / 1000, met: median(scopedNew) <= 5000 },
          ratioGoal('purge-read', `Read on a HIT ÷ the reference layout's GET, ${label} (per-read pairs)`, '≤ 1.2', readRatios, (v) => v <= 1.2),
        )
      }
    }
  } finally {
    await backend.quit()
    redis.proc.kill('SIGKILL')
  }
  return { id: 'cache-purge', title: 'Origin cache: purge and read against keyspace size', settings: { sizes, reads, purges, contextKeys: CONTEXT_KEYS }, rows, goals, notes }
}
