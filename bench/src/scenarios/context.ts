/**
 * Contexts: a bundle of 10 functions against one plain call (requests per bundle, unloaded
 * latency), and the same 5 ms-per-member context served from the Redis origin cache against
 * computed every time.
 */
import { captureContext, type Captured } from '../lib/capture.ts'
import { startServer, type LoadGen, type ServerProc } from '../lib/proc.ts'
import { ratioGoal, row, type Goal, type ScenarioResult } from '../lib/report.ts'
import { pairedRatios } from '../lib/stats.ts'
import type { HttpResult, LatencyJob, LatencyResult } from '../loadgen/jobs.ts'
import type { BenchOptions } from '../main.ts'
import { httpJob } from './http.ts'

function latencyJob(c: Captured, count: number, maxMs: number, expectHeader?: [string, string]): LatencyJob {
  return {
    type: 'latency',
    url: c.url,
    method: c.method,
    headers: c.headers,
    ...(c.body !== undefined ? { body: c.body } : {}),
    warmup: Math.min(200, count),
    count,
    maxMs,
    expectBody: c.responseBody,
    ...(expectHeader ? { expectHeader } : {}),
  }
}

async function latencyRun(gen: LoadGen, job: LatencyJob): Promise<LatencyResult> {
  const r = await gen.run<LatencyResult>(job, job.maxMs + 30_000)
  if (r.bad) throw new Error(`${r.bad} wrong answers from ${job.url}`)
  return r
}

export async function runContext(gen: LoadGen, o: BenchOptions): Promise<ScenarioResult> {
  const servers: ServerProc[] = []
  const rows = []
  const goals: Goal[] = []
  const notes: string[] = []
  try {
    const plain = await startServer('mizan', 'mizan', [], o.profile === 'mizan-ctx' ? o.profileDir : undefined)
    servers.push(plain)
    const cached = await startServer('mizan-redis', 'mizan', ['--cache', 'redis'])
    servers.push(cached)

    // 1. A context of 10 functions vs one plain call.
    const dash = await captureContext(plain.port, 'dash')
    const count = o.quick ? 1000 : 2000
    const ctxP50: number[] = []
    const callP50: number[] = []
    for (let round = 0; round < o.rounds; round++) {
      const pair = round % 2 ? (['call', 'ctx'] as const) : (['ctx', 'call'] as const)
      for (const which of pair) {
        const r = await latencyRun(gen, latencyJob(which === 'ctx' ? dash.ctx : dash.call, count, 5000))
        ;(which === 'ctx' ? ctxP50 : callP50).push(r.p50Us)
      }
    }
    rows.push(
      row('ctx', 'Mizan: context of 10 functions (GET /ctx/dash/)', 'p50 latency, unloaded', 'µs', ctxP50, `${dash.requestsPerBundle} request per bundle`),
      row('ctx', 'Mizan: one plain call (POST /call/ dash_one)', 'p50 latency, unloaded', 'µs', callP50),
    )
    goals.push(
      { id: 'ctx-requests', measure: 'Context of 10 functions: HTTP requests per bundle', target: '1', value: dash.requestsPerBundle, met: dash.requestsPerBundle === 1 },
      ratioGoal('ctx-latency', 'Context of 10 functions: latency ÷ one plain call', '≤ 1.2', pairedRatios(ctxP50, callP50), (v) => v <= 1.2),
    )

    // 2. The same slow context, Redis hit vs computed.
    const slowPlain = await captureContext(plain.port, 'slow')
    const slowCached = await captureContext(cached.port, 'slow')
    const hitHeader = slowCached.ctx.responseHeaders['x-mizan-cache']
    const hit = (await captureContext(cached.port, 'slow')).ctx.responseHeaders['x-mizan-cache']
    if (hit !== 'HIT') throw new Error(`the second read of the cached context was ${hit} (first ${hitHeader}), not a HIT`)
    const load = { connections: 16, pipelining: 1, durationS: o.durationS, maxRequests: 500_000 }
    const rpsCached: number[] = []
    const rpsPlain: number[] = []
    const latCached: number[] = []
    const latPlain: number[] = []
    for (let round = 0; round < o.rounds; round++) {
      const order = round % 2 ? ['plain', 'cached'] : ['cached', 'plain']
      for (const which of order) {
        const c = which === 'cached' ? slowCached.ctx : slowPlain.ctx
        const lat = await latencyRun(gen, latencyJob(c, which === 'cached' ? count : 300, 4000, which === 'cached' ? ['x-mizan-cache', 'HIT'] : undefined))
        const http = await gen.run<HttpResult>(httpJob(c, load), (load.durationS + 20) * 1000)
        if (http.errors || http.non2xx || http.mismatches) throw new Error(`slow ctx ${which}: ${http.errors} errors, ${http.non2xx} non-2xx, ${http.mismatches} wrong bodies`)
        ;(which === 'cached' ? latCached : latPlain).push(lat.p50Us)
        ;(which === 'cached' ? rpsCached : rpsPlain).push(http.rps)
      }
    }
    rows.push(
      row('ctx-cache', 'Mizan: 10 × 5 ms context, Redis hit', 'req/s, 16 connections', 'req/s', rpsCached),
      row('ctx-cache', 'Mizan: 10 × 5 ms context, uncached', 'req/s, 16 connections', 'req/s', rpsPlain),
      row('ctx-cache', 'Mizan: 10 × 5 ms context, Redis hit', 'p50 latency, unloaded', 'µs', latCached),
      row('ctx-cache', 'Mizan: 10 × 5 ms context, uncached', 'p50 latency, unloaded', 'µs', latPlain),
    )
    const latSpeedup = pairedRatios(latPlain, latCached)
    const rpsRatio = pairedRatios(rpsCached, rpsPlain)
    goals.push(
      ratioGoal('ctx-cache', 'Cached context (Redis hit) ÷ uncached, 5 ms members: speed-up of p50 latency', '≥ 5', latSpeedup, (v) => v >= 5),
    )
    notes.push(
      'Latency: one keep-alive connection, sequential requests, p50 of each run (after 200 warm-up requests); rounds alternate which side goes first.',
      'The cached server uses RedisCache on 127.0.0.1:6379 (its own key namespace, cleared on exit); every measured read is checked to be an X-Mizan-Cache: HIT with the exact bundle bytes.',
      `Cached vs uncached speed-up, per round: latency (uncached p50 ÷ cached p50) ${latSpeedup.map((x) => x.toFixed(1) + '×').join(', ')}; req/s at 16 connections (cached ÷ uncached) ${rpsRatio.map((x) => x.toFixed(1) + '×').join(', ')}. The req/s ratio is bounded by the connection count (16 connections ÷ 5 ms caps the uncached side), so the goal is judged on latency.`,
    )
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
  }
  return { id: 'ctx', title: 'Contexts: one bundle vs plain calls; Redis-cached vs computed', settings: { rounds: o.rounds }, rows, goals, notes }
}
