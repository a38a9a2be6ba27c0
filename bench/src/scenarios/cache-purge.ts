/**
 * Origin-cache purges and reads against the size of the Redis keyspace: 10k, 100k and 1M keys in
 * a private redis-server, 1,000 of them bundles of the purged context. Side by side: this tree's
 * generation-token cache and the cache it replaced, run from that commit's own source
 * (`git archive <baseline> src`, default e20cdce, override with MIZAN_CACHE_BASELINE): its read
 * (one GET), its scoped purge (UNLINK of the caller's and the anonymous key) and its broad purge
 * (SCAN + UNLINK). Reads are measured twice: the cache alone, and a whole in-process HTTP request
 * (fetch adapter) on a HIT.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { ContextCache } from '../../../src/server/cache/context-cache.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { createMizan } from '../../../src/server/index.ts'
import { ratioGoal, row, type Goal, type ScenarioResult } from '../lib/report.ts'
import type { BenchOptions } from '../main.ts'

const SECRET = 'bench-secret-not-for-production'
const CONTEXT_KEYS = 1_000
const TASKS = Array.from({ length: 8 }, (_, i) => ({ id: i, title: `task ${i}`, done: i % 2 === 0 }))
const BASELINE = process.env['MIZAN_CACHE_BASELINE'] ?? 'e20cdce'

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

/** The baseline's `src`, extracted once into bench/.gen (ignored by git), so it imports the same node_modules. */
async function loadBaseline() {
  const dir = fileURLToPath(new URL(`../../.gen/cache-baseline-${BASELINE}/`, import.meta.url))
  if (!existsSync(`${dir}src`)) {
    mkdirSync(dir, { recursive: true })
    const repo = fileURLToPath(new URL('../../../', import.meta.url))
    execFileSync('sh', ['-c', `git -C "${repo}" archive ${BASELINE} src | tar -x -C "${dir}"`])
  }
  const [cache, redis, index, fetch] = await Promise.all([
    import(`${dir}src/server/cache/context-cache.ts`),
    import(`${dir}src/server/cache/redis-cache.ts`),
    import(`${dir}src/server/index.ts`),
    import(`${dir}src/server/adapters/fetch.ts`),
  ])
  return {
    ContextCache: cache.ContextCache as new (o: object) => OldCache,
    RedisCache: redis.RedisCache as typeof RedisCache,
    createMizan: index.createMizan as typeof createMizan,
    createFetchHandler: fetch.createFetchHandler as typeof createFetchHandler,
  }
}

interface OldCache {
  fetch(ctx: unknown, params: Record<string, string>, userId: string | null, compute: () => Promise<string>): Promise<{ body: string; outcome: string }>
  purge(router: unknown, entries: unknown[], userId: string | null): Promise<void>
}

function boardRouter(mizan: typeof createMizan) {
  const { defineClient, createRouter } = mizan()
  return createRouter({ boardTasks: defineClient({ context: 'board', input: z.object({ board_id: z.number().int() }) }, () => TASKS) })
}

const micros = (start: bigint) => Number(process.hrtime.bigint() - start) / 1000
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN
const pairRatios = (a: number[], b: number[]) => a.map((v, i) => v / (b[i] ?? NaN))

export async function runCachePurge(o: BenchOptions): Promise<ScenarioResult> {
  const old = await loadBaseline()
  const router = boardRouter(createMizan)
  const oldRouter = boardRouter(old.createMizan) as unknown as { contexts: Map<string, unknown> }
  const ctx = router.contexts.get('board')!
  const oldCtx = oldRouter.contexts.get('board')
  const redis = await startRedis()
  const backend = new RedisCache(redis.url, { namespace: 'mizan:' })
  const oldBackend = new old.RedisCache(redis.url, { namespace: 'old:' })
  const cache = new ContextCache({ backend, secret: SECRET, log: () => {} })
  const oldCache = new old.ContextCache({ backend: oldBackend, secret: SECRET, log: () => {} })
  const handler = createFetchHandler(router, { csrf: false, cache: { backend, secret: SECRET } })
  const oldHandler = old.createFetchHandler(oldRouter as never, { csrf: false, cache: { backend: oldBackend, secret: SECRET } })
  const client = backend.client
  const rows = []
  const goals: Goal[] = []
  const notes: string[] = [`baseline: ${BASELINE} (the cache before the generation tokens), from its own source`]
  const sizes = o.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]
  const reads = o.quick ? 1_000 : 3_000
  const purges = o.quick ? 100 : 300
  const body = JSON.stringify({ board_tasks: TASKS })
  const compute = async () => body
  const readOf = (i: number) => ({ params: { board_id: i }, raw: { board_id: String(i) } })
  try {
    for (let tries = 0; tries < 50 && (await client.ping().catch(() => '')) !== 'PONG'; tries++) await new Promise((r) => setTimeout(r, 100))
    for (const size of sizes) {
      await client.flushall()
      await client.call('DEBUG', 'POPULATE', String(size - 3 * CONTEXT_KEYS), 'other')
      const warm = async () => {
        for (let i = 0; i < CONTEXT_KEYS; i++) {
          await oldCache.fetch(oldCtx, { board_id: String(i) }, null, compute)
          // The new layout's first read of a key starts its generations, the second stores the bundle.
          await cache.fetch(ctx, readOf(i), null, compute)
          await cache.fetch(ctx, readOf(i), null, compute)
        }
      }
      await warm()
      const dbsize = await client.dbsize()

      // Interleaved pairs, so the shared machine's load falls on both alike.
      const cacheNew: number[] = []
      const cacheOld: number[] = []
      const httpNew: number[] = []
      const httpOld: number[] = []
      for (let n = 0; n < reads; n++) {
        const i = n % CONTEXT_KEYS
        let t = process.hrtime.bigint()
        const hit = await cache.fetch(ctx, readOf(i), null, compute)
        cacheNew.push(micros(t))
        t = process.hrtime.bigint()
        const oldHit = await oldCache.fetch(oldCtx, { board_id: String(i) }, null, compute)
        cacheOld.push(micros(t))
        if (hit.outcome !== 'HIT' || oldHit.outcome !== 'HIT') throw new Error(`read ${i}: ${hit.outcome} / ${oldHit.outcome}`)
        t = process.hrtime.bigint()
        const res = await handler(new Request(`http://127.0.0.1/api/mizan/ctx/board/?board_id=${i}`))
        await res.text()
        httpNew.push(micros(t))
        t = process.hrtime.bigint()
        const oldRes = await oldHandler(new Request(`http://127.0.0.1/api/mizan/ctx/board/?board_id=${i}`))
        await oldRes.text()
        httpOld.push(micros(t))
        if (res.headers.get('x-mizan-cache') !== 'HIT' || oldRes.headers.get('x-mizan-cache') !== 'HIT') throw new Error(`request ${i} missed`)
      }
      const scopedNew: number[] = []
      const scopedOld: number[] = []
      for (let n = 0; n < purges; n++) {
        const i = n % CONTEXT_KEYS
        let t = process.hrtime.bigint()
        await cache.purge(router, [{ context: 'board', params: { board_id: i } }], '7')
        scopedNew.push(micros(t))
        t = process.hrtime.bigint()
        await oldCache.purge(oldRouter, [{ context: 'board', params: { board_id: i } }], '7')
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
        for (let i = 0; i < CONTEXT_KEYS; i++) await oldCache.fetch(oldCtx, { board_id: String(i) }, null, compute)
        const t = process.hrtime.bigint()
        await oldCache.purge(oldRouter, ['board'], null)
        broadOld.push(micros(t))
        if ((await oldCache.fetch(oldCtx, { board_id: '1' }, null, compute)).outcome !== 'MISS') throw new Error('the SCAN purge left a bundle')
      }
      const label = `${size.toLocaleString('en-US')} keys`
      rows.push(
        row('cache-purge', `generations: read, cache only (HIT), ${label}`, 'p50 latency', 'µs', [median(cacheNew)]),
        row('cache-purge', `${BASELINE}: read, cache only (HIT), ${label}`, 'p50 latency', 'µs', [median(cacheOld)]),
        row('cache-purge', `generations: GET /ctx/board/ in-process (HIT), ${label}`, 'p50 latency', 'µs', [median(httpNew)]),
        row('cache-purge', `${BASELINE}: GET /ctx/board/ in-process (HIT), ${label}`, 'p50 latency', 'µs', [median(httpOld)]),
        row('cache-purge', `generations: scoped purge, ${label}`, 'p50 latency', 'µs', [median(scopedNew)]),
        row('cache-purge', `${BASELINE}: scoped purge (2 UNLINK), ${label}`, 'p50 latency', 'µs', [median(scopedOld)]),
        row('cache-purge', `generations: broad purge, ${label}`, 'p50 latency', 'µs', [median(broadNew)], `max ${Math.max(...broadNew).toFixed(0)} µs`),
        row('cache-purge', `${BASELINE}: broad purge (SCAN), ${label}`, 'p50 latency', 'µs', [median(broadOld)], `${scans} runs`),
      )
      notes.push(`${label}: DBSIZE ${dbsize} during the reads`)
      if (size === sizes.at(-1)) {
        goals.push(
          { id: 'purge-broad', measure: `Broad purge p50 at ${label}`, target: '≤ 5 ms', value: median(broadNew) / 1000, met: median(broadNew) <= 5000 },
          { id: 'purge-scoped', measure: `Scoped purge p50 at ${label}`, target: '≤ 5 ms', value: median(scopedNew) / 1000, met: median(scopedNew) <= 5000 },
          ratioGoal('purge-read-http', `HIT request ÷ ${BASELINE}'s, ${label} (per-read pairs)`, '≤ 1.2', pairRatios(httpNew, httpOld), (v) => v <= 1.2),
          ratioGoal('purge-read-cache', `HIT in the cache alone ÷ ${BASELINE}'s, ${label} (per-read pairs)`, '≤ 1.2', pairRatios(cacheNew, cacheOld), (v) => v <= 1.2),
        )
      }
    }
  } finally {
    await backend.quit()
    await oldBackend.quit()
    redis.proc.kill('SIGKILL')
  }
  return { id: 'cache-purge', title: 'Origin cache: purge and read against keyspace size', settings: { sizes, reads, purges, contextKeys: CONTEXT_KEYS, baseline: BASELINE }, rows, goals, notes }
}
