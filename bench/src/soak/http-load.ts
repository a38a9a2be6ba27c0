/**
 * The soak's HTTP load: a mix of requests through autocannon, optionally rate-limited, with
 * every response checked byte for byte and timed. Bounded by a duration and a count.
 */
import { createRequire } from 'node:module'
import autocannon from 'autocannon'
import type { HttpSoakJob, HttpSoakResult, RequestTag, TimelineBucket } from './jobs.ts'
import { percentiles } from './latency.ts'

function headerOf(headers: Record<string, unknown>, name: string): string | undefined {
  for (const key in headers) if (key.toLowerCase() === name) return String(headers[key])
  return undefined
}

let paced = 0

/** Whether autocannon's client is the one `pace` knows (9.0.0, pinned in package.json). */
const canPace = (() => {
  try {
    const Client = createRequire(import.meta.url)('autocannon/lib/httpClient.js') as { prototype?: { _doRequest?: unknown } }
    return typeof Client.prototype?._doRequest === 'function'
  } catch {
    return false
  }
})()

/**
 * A steady rate: each connection sends one request every `connections ÷ rate` seconds, the
 * connections staggered across that interval, so the server sees the load spread evenly.
 * (autocannon's own `overallRate` is a per-connection quota per second: each connection sends
 * its quota back to back as fast as the server answers, then idles until the next second — 80%
 * on average but 100% in bursts, which makes latency look like saturation.) This wraps the
 * client's `_doRequest` through the public `setupClient` hook; when autocannon's client has no
 * `_doRequest`, the job falls back to `overallRate` and reports `pacing: 'per-second quota'`.
 */
function pace(client: autocannon.Client, job: HttpSoakJob): void {
  const c = client as unknown as { _doRequest: (...args: unknown[]) => void; destroyed: boolean }
  const intervalMs = (job.connections / job.rate!) * 1000
  const send = c._doRequest
  let next = performance.now() + ((paced++ % job.connections) / job.connections) * intervalMs
  c._doRequest = function (this: typeof c, ...args: unknown[]) {
    if (this.destroyed) return
    const now = performance.now()
    // Behind schedule (a slow answer): send now, and keep at most one interval of backlog.
    if (next <= now) {
      next = Math.max(next, now - intervalMs) + intervalMs
      return send.apply(this, args)
    }
    const wait = next - now
    next += intervalMs
    setTimeout(() => {
      if (!this.destroyed) send.apply(this, args)
    }, wait)
  }
}

export async function httpSoak(job: HttpSoakJob): Promise<HttpSoakResult> {
  const latencies = new Float64Array(Math.min(job.maxRequests, 4_000_000))
  let n = 0
  // Per kind of request too: autocannon calls a request's onResponse, then emits 'response' in the same tick.
  const tagged: Record<RequestTag, { values: Float64Array; n: number }> = {
    call: { values: new Float64Array(latencies.length), n: 0 },
    ctx: { values: new Float64Array(latencies.length), n: 0 },
    mutation: { values: new Float64Array(latencies.length), n: 0 },
  }
  let lastTag: RequestTag = 'call'
  const buckets = new Map<number, TimelineBucket>()
  const bucketAt = (now: number) => {
    const t = now - (now % job.bucketMs)
    let b = buckets.get(t)
    if (!b) buckets.set(t, (b = { t, done: 0, hit: 0, firstHitAt: 0, miss: 0, bad: 0 }))
    return b
  }
  const failureSamples: string[] = []
  const sample = (text: string) => {
    if (failureSamples.length < 10) failureSamples.push(text.slice(0, 300))
  }
  let non2xx = 0
  let mismatches = 0
  const byTag: Record<RequestTag, number> = { call: 0, ctx: 0, mutation: 0 }
  const cache = { HIT: 0, MISS: 0, none: 0 }
  const requests = job.requests.map((r) => ({
    method: r.method as 'GET',
    path: r.path,
    headers: r.headers,
    ...(r.body !== undefined ? { body: r.body } : {}),
    onResponse: (status: number, body: string, _context: object, headers: Record<string, unknown> | undefined) => {
      const now = Date.now()
      const b = bucketAt(now)
      b.done++
      byTag[r.tag]++
      lastTag = r.tag
      if (status < 200 || status > 299) {
        non2xx++
        b.bad++
        return sample(`${r.tag} ${r.method} ${r.path}: HTTP ${status} ${body}`)
      }
      if (body !== r.expectBody) {
        mismatches++
        b.bad++
        sample(`${r.tag} ${r.method} ${r.path}: body ${body} (expected ${r.expectBody})`)
      }
      if (r.tag === 'ctx') {
        const outcome = headerOf(headers ?? {}, 'x-mizan-cache')
        if (outcome === 'HIT') {
          cache.HIT++
          if (!b.hit++) b.firstHitAt = now
        } else if (outcome === 'MISS') {
          cache.MISS++
          b.miss++
        } else cache.none++
      }
    },
  }))
  const startedAt = Date.now()
  const pacing: HttpSoakResult['pacing'] = !job.rate ? 'unlimited' : canPace ? 'paced' : 'per-second quota'
  const instance = autocannon({
    url: job.origin,
    requests,
    connections: job.connections,
    pipelining: job.pipelining,
    duration: job.durationS,
    maxOverallRequests: job.maxRequests,
    timeout: 10,
    ...(pacing === 'paced' ? { setupClient: (client: autocannon.Client) => pace(client, job) } : {}),
    // The fallback. Its coordinated-omission correction assumes a 1 ms interval whatever the rate
    // (ceil(1/rate)), so it is off; our latencies are measured response times either way.
    ...(pacing === 'per-second quota' ? { overallRate: Math.round(job.rate!), ignoreCoordinatedOmission: true } : {}),
  })
  // Without a callback autocannon returns its tracker: an EventEmitter that is also a promise of the result.
  const events = instance as unknown as NodeJS.EventEmitter
  events.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    if (n < latencies.length) latencies[n++] = responseTime
    const t = tagged[lastTag]
    if (t.n < t.values.length) t.values[t.n++] = responseTime
  })
  events.on('reqError', (error: unknown) => {
    bucketAt(Date.now()).bad++
    sample(`connection error: ${String((error as Error)?.message ?? error)}`)
  })
  const result = await instance
  const durationS = result.duration
  const timeline = [...buckets.values()].sort((a, b) => a.t - b.t)
  const errors = result.errors
  return {
    startedAt,
    pacing,
    requests: result.requests.total,
    durationS,
    rps: result.requests.total / durationS,
    latencyMs: percentiles(latencies, n),
    latencyByTagMs: { call: percentiles(tagged.call.values, tagged.call.n), ctx: percentiles(tagged.ctx.values, tagged.ctx.n), mutation: percentiles(tagged.mutation.values, tagged.mutation.n) },
    errors,
    timeouts: result.timeouts,
    non2xx: Math.max(non2xx, result.non2xx),
    mismatches,
    failed: errors + Math.max(non2xx, result.non2xx) + mismatches,
    failureSamples,
    byTag,
    cache,
    timeline,
  }
}
