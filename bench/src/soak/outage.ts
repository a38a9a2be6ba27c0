/**
 * Redis outage under load: the server's cache is a PRIVATE redis-server on a free port
 * (test/server/cache/redis-server.ts `PrivateRedis`; the shared 6379 one is never touched).
 * Mid-run it is killed (SIGKILL), and restarted a few seconds later: every request must still
 * succeed (served uncached meanwhile), and cache HITs must resume. Times come from the
 * timeline the generator keeps (HIT/MISS/failures per 50 ms, first HIT per bucket to the ms).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { PrivateRedis } from '../../../test/server/cache/redis-server.ts'
import { captureMix } from './capture.ts'
import type { HttpSoakJob, HttpSoakResult, TimelineBucket } from './jobs.ts'
import type { SoakOptions } from './options.ts'
import { onAbort, startSoakServer, type SoakLoadGen } from './proc.ts'

export interface OutageSummary {
  rateRps: number
  durationS: number
  redisPort: number
  /** ms after the run started. */
  killedAtMs: number
  restartedAtMs: number
  /** The restarted Redis answered PING (ms after the run started). */
  upAtMs: number
  /** First HIT after the restart, ms after Redis answered PING (null: never). */
  recoveryMs: number | null
  /** First HIT after the restart, ms after redis-server was launched again. */
  recoveryFromRestartMs: number | null
  /** The first 50 ms after the kill with context reads and no HIT among them, ms after the kill (±50 ms). */
  detectedMs: number | null
  failed: number
  failedDuringOutage: number
  requestsDuringOutage: number
  hitRatio: { before: number; during: number; after: number }
  latencyMs: HttpSoakResult['latencyMs']
  serverLog: { atMs: number; message: string }[]
  run: Omit<HttpSoakResult, 'timeline'>
  timeline: TimelineBucket[]
}

export async function runOutage(gen: SoakLoadGen, o: SoakOptions, rateRps: number): Promise<OutageSummary> {
  const redis = await PrivateRedis.start()
  const forget = onAbort(() => redis.stop())
  const server = await startSoakServer([`--redis=${redis.url}`, `--namespace=mizan-soak-outage-${process.pid}:`])
  try {
    const { requests } = await captureMix(server.port)
    const job = (durationS: number, bucketMs: number): HttpSoakJob => ({
      type: 'http-soak',
      origin: `http://127.0.0.1:${server.port}`,
      requests,
      connections: o.pacedConnections,
      pipelining: 1,
      durationS,
      maxRequests: 5_000_000,
      rate: rateRps,
      bucketMs,
    })
    const warm = await gen.run<HttpSoakResult>(job(2, 1000), 60_000)
    if (warm.failed) console.error(`  outage warm-up: ${warm.failed} failed: ${warm.failureSamples.join(' | ')}`)

    const killAfterS = o.quick ? 4 : 6
    const downForS = o.quick ? 3 : 5
    const t0 = Date.now()
    const running = gen.run<HttpSoakResult>(job(o.outageS, 50), (o.outageS + 60) * 1000)
    await sleep(killAfterS * 1000)
    const killedAt = Date.now()
    await redis.stop()
    if (o.verbose) console.error(`  redis killed at +${killedAt - t0} ms`)
    await sleep(downForS * 1000)
    const restartedAt = Date.now()
    await redis.start()
    const upAt = Date.now()
    if (o.verbose) console.error(`  redis restarted at +${restartedAt - t0} ms, answering at +${upAt - t0} ms`)
    const r = await running
    const stats = await server.stats()

    const tl = r.timeline
    const firstHit = tl.find((b) => b.t + 50 > restartedAt && b.hit && b.firstHitAt >= restartedAt)
    const firstUncached = tl.find((b) => b.t >= killedAt && b.done > 0 && b.hit === 0 && b.miss > 0)
    const windowOf = (from: number, to: number) => tl.filter((b) => b.t >= from && b.t < to)
    const ratio = (bs: TimelineBucket[]) => {
      const hit = bs.reduce((a, b) => a + b.hit, 0)
      const reads = bs.reduce((a, b) => a + b.hit + b.miss, 0)
      return reads ? hit / reads : NaN
    }
    const outage = windowOf(killedAt, upAt)
    const { timeline, ...run } = r
    return {
      rateRps,
      durationS: r.durationS,
      redisPort: redis.port,
      killedAtMs: killedAt - r.startedAt,
      restartedAtMs: restartedAt - r.startedAt,
      upAtMs: upAt - r.startedAt,
      recoveryMs: firstHit ? Math.max(0, firstHit.firstHitAt - upAt) : null,
      recoveryFromRestartMs: firstHit ? firstHit.firstHitAt - restartedAt : null,
      detectedMs: firstUncached ? firstUncached.t - killedAt : null,
      failed: r.failed,
      failedDuringOutage: windowOf(killedAt, upAt + 2000).reduce((a, b) => a + b.bad, 0),
      requestsDuringOutage: outage.reduce((a, b) => a + b.done, 0),
      hitRatio: { before: ratio(windowOf(r.startedAt, killedAt)), during: ratio(outage), after: ratio(windowOf(upAt + 3000, Infinity)) },
      latencyMs: r.latencyMs,
      serverLog: stats.cacheEvents.map((e) => ({ atMs: e.at - r.startedAt, message: e.message })),
      run,
      timeline,
    }
  } finally {
    await server.stop()
    await redis.stop()
    forget()
  }
}
