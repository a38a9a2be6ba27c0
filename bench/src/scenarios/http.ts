/**
 * HTTP call throughput: bare node:http, Mizan, tRPC 11 and oRPC, each a separate server
 * process, measured round-robin in one invocation against the same request they would get
 * from their own client.
 */
import { captureEcho, type Captured } from '../lib/capture.ts'
import { startServer, withCpu, type LoadGen, type ServerProc } from '../lib/proc.ts'
import { ratioGoal, row, type ScenarioResult } from '../lib/report.ts'
import { median, pairedRatios } from '../lib/stats.ts'
import type { HttpJob, HttpResult } from '../loadgen/jobs.ts'
import type { BenchOptions } from '../main.ts'

export const PEERS = ['bare', 'mizan', 'trpc', 'orpc'] as const

export const HTTP_LABELS: Record<string, string> = {
  bare: 'bare node:http',
  mizan: 'Mizan (createNodeHandler)',
  trpc: 'tRPC 11 (standalone)',
  orpc: 'oRPC (RPCHandler, node)',
}

export function httpJob(c: Captured, opts: { connections: number; pipelining: number; durationS: number; maxRequests: number }): HttpJob {
  return {
    type: 'http',
    url: c.url,
    method: c.method,
    headers: c.headers,
    ...(c.body !== undefined ? { body: c.body } : {}),
    expectBody: c.responseBody,
    ...opts,
  }
}

/** Rotate the order each round (A,B,C,D then B,C,D,A …) so no peer always runs first or last. */
export function rotation<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

export async function runHttp(gen: LoadGen, o: BenchOptions): Promise<ScenarioResult> {
  const load = { connections: o.connections, pipelining: o.pipelining, durationS: o.durationS, maxRequests: o.maxRequests }
  const servers: ServerProc[] = []
  const jobs = new Map<string, HttpJob>()
  const rps: Record<string, number[]> = {}
  const cpu: Record<string, number[]> = {}
  const genCpu: number[] = []
  const bg: number[] = []
  const notes: string[] = []
  try {
    const kinds: string[] = [...PEERS]
    for (const kind of kinds) {
      const s = await startServer(kind, kind, [], o.profile === kind ? o.profileDir : undefined)
      servers.push(s)
      const captured = await captureEcho(kind, s.port)
      jobs.set(kind, httpJob(captured, load))
      rps[kind] = []
      cpu[kind] = []
      notes.push(`${kind}: ${captured.method} ${new URL(captured.url).pathname}${new URL(captured.url).search} — ${captured.body?.length ?? 0} B request, ${captured.responseBody.length} B response`)
    }
    for (const s of servers) {
      await gen.run<HttpResult>({ ...jobs.get(s.name)!, durationS: o.warmupS }, (o.warmupS + 20) * 1000)
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const s of rotation(servers, round)) {
        const { value, cpu: used, background } = await withCpu([s.pid, gen.pid], () => gen.run<HttpResult>(jobs.get(s.name)!, (o.durationS + 20) * 1000))
        if (value.errors || value.non2xx || value.mismatches) {
          throw new Error(`${s.name}: ${value.errors} errors, ${value.non2xx} non-2xx, ${value.mismatches} wrong bodies in a load run`)
        }
        rps[s.name]!.push(value.rps)
        cpu[s.name]!.push(used[0]!)
        genCpu.push(used[1]!)
        bg.push(background)
        if (o.verbose) console.error(`  http ${s.name} round ${round + 1}: ${Math.round(value.rps)} req/s (server CPU ${(used[0]! * 100).toFixed(0)}%, generator ${(used[1]! * 100).toFixed(0)}%, others ${(background * 100).toFixed(0)}%)`)
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
  }
  const perCpu = (p: string) => rps[p]!.map((r, i) => r / cpu[p]![i]!)
  const rows = Object.keys(rps).flatMap((p) => [
    row('http', HTTP_LABELS[p]!, 'HTTP call, JSON echo + Zod', 'req/s', rps[p]!, `server CPU ${(median(cpu[p]!) * 100).toFixed(0)}%`),
    row('http', HTTP_LABELS[p]!, 'requests per server CPU-second', 'req/s', perCpu(p)),
  ])
  notes.push(
    `Load generator CPU (median over all runs): ${(median(genCpu) * 100).toFixed(0)}% of one core; CPU used by other processes on the machine during the runs (median): ${(median(bg) * 100).toFixed(0)}% of one core.`,
    `Requests per server CPU-second (req/s ÷ the server's CPU share) is the per-request cost with contention factored out; ratios on it: ÷ bare ${median(pairedRatios(perCpu('mizan'), perCpu('bare'))).toFixed(2)}, ÷ tRPC ${median(pairedRatios(perCpu('mizan'), perCpu('trpc'))).toFixed(2)}, ÷ oRPC ${median(pairedRatios(perCpu('mizan'), perCpu('orpc'))).toFixed(2)}.`,
  )
  return {
    id: 'http',
    title: 'HTTP call throughput (req/s)',
    settings: load,
    rows,
    goals: [
      ratioGoal('http-bare', 'HTTP req/s ÷ bare node:http', '≥ 0.90', pairedRatios(rps['mizan']!, rps['bare']!), (v) => v >= 0.9),
      ratioGoal('http-trpc', 'HTTP req/s ÷ tRPC 11', '≥ 4.0', pairedRatios(rps['mizan']!, rps['trpc']!), (v) => v >= 4),
      ratioGoal('http-orpc', 'HTTP req/s ÷ oRPC', '≥ 1.2', pairedRatios(rps['mizan']!, rps['orpc']!), (v) => v >= 1.2),
    ],
    notes,
  }
}
