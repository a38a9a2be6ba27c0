/**
 * HTTP soak: our server in its own process (createNodeHandler, the soak router, the context
 * cache on Redis at 127.0.0.1:6379 under a namespace of its own), max req/s of the request mix
 * measured briefly, then a long run at a share of it (80% by default) with the server's RSS
 * sampled every second: errors must be 0, RSS must not grow more than 10% between the first
 * and the last 10 s.
 */
import { withCpu } from '../lib/proc.ts'
import { captureMix } from './capture.ts'
import type { HttpSoakJob, HttpSoakResult } from './jobs.ts'
import type { SoakOptions } from './options.ts'
import { rssGrowth, sampleMemory, startSoakServer, type Memory, type MemorySample, type ServerStats, type SoakLoadGen } from './proc.ts'

export interface HttpSoakSummary {
  mix: string
  connections: number
  pacedConnections: number
  max: { rps: number; serverCpu: number; genCpu: number; otherCpu: number; failed: number; latencyMs: HttpSoakResult['latencyMs'] }
  targetRps: number
  soak: HttpSoakResult & { serverCpu: number; genCpu: number; otherCpu: number }
  rss: { samples: MemorySample[] } & ReturnType<typeof rssGrowth>
  heapAfterGc: { before: Memory; after: Memory }
  server: ServerStats
}

export async function runHttpSoak(gen: SoakLoadGen, o: SoakOptions): Promise<HttpSoakSummary> {
  const namespace = `mizan-soak-${process.pid}-${Date.now()}:`
  const server = await startSoakServer(['--redis=redis://127.0.0.1:6379', `--namespace=${namespace}`])
  try {
    const { requests, description } = await captureMix(server.port)
    const job = (durationS: number, rate?: number): HttpSoakJob => ({
      type: 'http-soak',
      origin: `http://127.0.0.1:${server.port}`,
      requests,
      connections: rate ? o.pacedConnections : o.connections,
      pipelining: 1,
      durationS,
      maxRequests: 5_000_000,
      ...(rate ? { rate } : {}),
      bucketMs: 1000,
    })
    const check = (what: string, r: HttpSoakResult) => {
      if (o.verbose || r.failed) {
        const by = Object.entries(r.latencyByTagMs).map(([tag, l]) => `${tag} ${l.p50.toFixed(2)}/${l.p99.toFixed(2)}`).join(', ')
        console.error(`  ${what}: ${Math.round(r.rps)} req/s, p50/p99 ${r.latencyMs.p50.toFixed(2)}/${r.latencyMs.p99.toFixed(2)} ms (${by}), ${r.failed} failed${r.failed ? `: ${r.failureSamples.join(' | ')}` : ''}`)
      }
    }
    // Warm-up (JIT, Redis connection, every cache key), then the max, same mix and connections.
    const warm = await gen.run<HttpSoakResult>(job(Math.min(3, o.maxS)), 60_000)
    check('warm-up', warm)
    const max = await withCpu([server.pid, gen.pid], () => gen.run<HttpSoakResult>(job(o.maxS), (o.maxS + 30) * 1000))
    check('max', max.value)
    const targetRps = Math.max(1, Math.round(max.value.rps * o.loadShare))
    console.error(`  max ${Math.round(max.value.rps)} req/s (server CPU ${(max.cpu[0]! * 100).toFixed(0)}%, generator ${(max.cpu[1]! * 100).toFixed(0)}%); soaking ${o.durationS} s at ${targetRps} req/s`)

    const before = await server.memory()
    const sampler = sampleMemory(server)
    const soak = await withCpu([server.pid, gen.pid], () => gen.run<HttpSoakResult>(job(o.durationS, targetRps), (o.durationS + 60) * 1000))
    const samples = sampler.stop()
    check('soak', soak.value)
    const after = await server.memory()
    const stats = await server.stats()
    return {
      mix: description,
      connections: o.connections,
      pacedConnections: o.pacedConnections,
      max: { rps: max.value.rps, serverCpu: max.cpu[0]!, genCpu: max.cpu[1]!, otherCpu: max.background, failed: max.value.failed, latencyMs: max.value.latencyMs },
      targetRps,
      soak: { ...soak.value, serverCpu: soak.cpu[0]!, genCpu: soak.cpu[1]!, otherCpu: soak.background },
      rss: { samples, ...rssGrowth(samples) },
      heapAfterGc: { before, after },
      server: stats,
    }
  } finally {
    await server.stop()
  }
}
