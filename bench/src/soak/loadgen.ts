/**
 * The soak's load generator, its own process (as bench/src/loadgen/worker.ts is for the
 * benchmarks): HTTP through autocannon — a mix of requests, optionally rate-limited — with
 * every response checked byte for byte and timed; and WebSocket rooms — thousands of sockets,
 * each subscribed, with periodic publishes and RPCs, every delivery and reply accounted for.
 * Every job is bounded by a duration and a count.
 */
import { createRequire } from 'node:module'
import autocannon from 'autocannon'
import WebSocket from 'ws'
import { serveJobs } from '../lib/child.ts'
import type {
  HttpSoakJob,
  HttpSoakResult,
  LatencyMs,
  RequestTag,
  SoakJob,
  TimelineBucket,
  WsOpenJob,
  WsOpenResult,
  WsRunJob,
  WsRunResult,
} from './jobs.ts'

function percentiles(values: Float64Array, n: number): LatencyMs {
  const sorted = values.slice(0, n).sort()
  const q = (p: number) => (n ? sorted[Math.min(n - 1, Math.floor(p * n))]! : NaN)
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: n ? sorted[n - 1]! : NaN }
}

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

async function httpSoak(job: HttpSoakJob): Promise<HttpSoakResult> {
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

/* ------------------------------------------------------------------ WebSocket rooms */

interface Member {
  ws: WebSocket
  room: string
  seen: Set<number>
  closedByUs: boolean
}

let members: Member[] = []
let rooms: Member[][] = []
const wsFailures: string[] = []
let unexpectedCloses = 0
let errorFrames = 0
let opened = 0
/** Frames the run phase handles; set while a run is on. */
let onFrame: ((m: Member, msg: Record<string, unknown>) => void) | undefined

function wsSample(text: string) {
  if (wsFailures.length < 10) wsFailures.push(text.slice(0, 300))
}

function openMember(url: string, room: string): Promise<Member | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    const member: Member = { ws, room, seen: new Set(), closedByUs: false }
    const timer = setTimeout(() => {
      ws.terminate()
      resolve('no subscribe ack within 20 s')
    }, 20_000)
    let subscribed = false
    ws.on('message', (data) => {
      let msg: Record<string, unknown>
      try {
        msg = JSON.parse(String(data)) as Record<string, unknown>
      } catch {
        errorFrames++
        return wsSample(`not JSON: ${String(data)}`)
      }
      if (!subscribed) {
        if (msg['subscribed'] === true) {
          subscribed = true
          clearTimeout(timer)
          return resolve(member)
        }
        clearTimeout(timer)
        ws.terminate()
        return resolve(`subscribe answered ${String(data)}`)
      }
      if ('error' in msg && !('id' in msg)) {
        errorFrames++
        return wsSample(`error frame: ${String(data)}`)
      }
      onFrame?.(member, msg)
    })
    ws.once('open', () => {
      opened++
      ws.send(JSON.stringify({ action: 'subscribe', channel: 'room', params: { room } }))
    })
    ws.on('error', (error) => {
      if (!subscribed) {
        clearTimeout(timer)
        resolve(`socket error: ${error.message}`)
      }
    })
    ws.on('close', (code, reason) => {
      if (subscribed && !member.closedByUs) {
        unexpectedCloses++
        wsSample(`closed by the server: ${code} ${String(reason)}`)
      }
    })
  })
}

async function wsOpen(job: WsOpenJob): Promise<WsOpenResult> {
  const started = Date.now()
  const deadline = started + job.maxMs
  let failed = 0
  const failureSamples: string[] = []
  opened = 0
  rooms = Array.from({ length: job.rooms }, () => [])
  for (let i = 0; i < job.connections && Date.now() < deadline; i += job.batch) {
    const batch = Array.from({ length: Math.min(job.batch, job.connections - i) }, (_, k) => openMember(job.url, `room-${(i + k) % job.rooms}`))
    for (const outcome of await Promise.all(batch)) {
      if (typeof outcome === 'string') {
        failed++
        if (failureSamples.length < 5) failureSamples.push(outcome)
      } else {
        members.push(outcome)
        rooms[Number(outcome.room.slice(5))]!.push(outcome)
      }
    }
  }
  return { opened, subscribed: members.length, failed, failureSamples, ms: Date.now() - started }
}

async function wsRun(job: WsRunJob): Promise<WsRunResult> {
  const expectedResult = JSON.stringify(job.payload)
  const rpcStart = new Map<number, number>()
  const announceIds = new Set<number>()
  const rpcLatency = new Float64Array(4_000_000)
  let rpcN = 0
  const rpc = { sent: 0, ok: 0, failed: 0 }
  const announce = { sent: 0, ok: 0, failed: 0 }
  const publishes = { client: 0, server: 0 }
  let delivered = 0
  let expected = 0
  let duplicates = 0
  let misrouted = 0
  let nextId = 1
  let seq = 0
  const errorsBefore = errorFrames
  const closesBefore = unexpectedCloses

  onFrame = (m, msg) => {
    if (msg['channel'] === 'room' && typeof msg['data'] === 'object' && msg['data'] !== null) {
      const data = msg['data'] as { room?: string; seq?: number }
      delivered++
      if (data.room !== m.room) {
        misrouted++
        wsSample(`socket of ${m.room} got a message for ${data.room}`)
      }
      if (m.seen.has(data.seq!)) duplicates++
      else m.seen.add(data.seq!)
      return
    }
    if (typeof msg['id'] === 'number') {
      const id = msg['id']
      if (announceIds.delete(id)) {
        if (msg['ok'] === true) announce.ok++
        else {
          announce.failed++
          wsSample(`announce failed: ${JSON.stringify(msg)}`)
        }
        return
      }
      const t0 = rpcStart.get(id)
      if (t0 === undefined) {
        errorFrames++
        return wsSample(`reply to an unknown id: ${JSON.stringify(msg)}`)
      }
      rpcStart.delete(id)
      const ok = msg['ok'] === true && JSON.stringify((msg['data'] as { result?: unknown } | undefined)?.result) === expectedResult
      if (ok) {
        rpc.ok++
        if (rpcN < rpcLatency.length) rpcLatency[rpcN++] = performance.now() - t0
      } else {
        rpc.failed++
        wsSample(`rpc failed: ${JSON.stringify(msg).slice(0, 200)}`)
      }
      return
    }
    errorFrames++
    wsSample(`unexpected frame: ${JSON.stringify(msg).slice(0, 200)}`)
  }

  const live = (m: Member) => m.ws.readyState === WebSocket.OPEN
  // Small ticks, so each one sends a handful of frames rather than a burst.
  const tickMs = 10
  const ticksPerPublish = Math.max(1, Math.round(job.publishEveryMs / tickMs))
  const ticksPerRpc = Math.max(1, Math.round(job.rpcEveryMs / tickMs))
  let tick = 0
  const t0 = performance.now()
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - t0 >= job.durationS * 1000) {
        clearInterval(timer)
        return resolve()
      }
      // The rooms whose turn it is: each room once per publish period, spread over the ticks.
      for (let r = tick % ticksPerPublish; r < rooms.length; r += ticksPerPublish) {
        const room = rooms[r]!.filter(live)
        if (!room.length) continue
        const round = Math.floor(tick / ticksPerPublish)
        const from = room[round % room.length]!
        const s = ++seq
        expected += room.length
        if (s % 2) {
          publishes.client++
          from.ws.send(JSON.stringify({ action: 'message', channel: 'room', params: { room: from.room }, data: { text: `hello ${s}`, seq: s } }))
        } else {
          publishes.server++
          announce.sent++
          const id = nextId++
          announceIds.add(id)
          from.ws.send(JSON.stringify({ action: 'rpc', id, fn: 'announce', args: { room: from.room, text: `news ${s}`, seq: s } }))
        }
      }
      // The sockets whose turn it is to call.
      for (let i = tick % ticksPerRpc; i < members.length; i += ticksPerRpc) {
        const m = members[i]!
        if (!live(m)) continue
        const id = nextId++
        rpc.sent++
        rpcStart.set(id, performance.now())
        m.ws.send(JSON.stringify({ action: 'rpc', id, fn: 'echo', args: job.payload }))
      }
      tick++
    }, tickMs)
  })
  const durationS = (performance.now() - t0) / 1000
  // Deliveries and replies still on the way.
  const drainUntil = Date.now() + job.drainMs
  while (Date.now() < drainUntil && (delivered < expected || rpcStart.size || announceIds.size)) await new Promise((r) => setTimeout(r, 50))
  onFrame = undefined
  return {
    durationS,
    publishes,
    delivered,
    expected,
    duplicates,
    misrouted,
    rpc: { ...rpc, lost: rpcStart.size, latencyMs: percentiles(rpcLatency, rpcN) },
    announce: { ...announce, lost: announceIds.size },
    errorFrames: errorFrames - errorsBefore,
    unexpectedCloses: unexpectedCloses - closesBefore,
    failureSamples: wsFailures.slice(),
    open: members.filter(live).length,
  }
}

async function wsClose(): Promise<{ closed: number }> {
  const closing = members.map(
    (m) =>
      new Promise<void>((resolve) => {
        m.closedByUs = true
        if (m.ws.readyState === WebSocket.CLOSED) return resolve()
        const timer = setTimeout(() => {
          m.ws.terminate()
          resolve()
        }, 3000)
        m.ws.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
        m.ws.close(1000)
      }),
  )
  await Promise.all(closing)
  const closed = members.length
  members = []
  rooms = []
  return { closed }
}

serveJobs<SoakJob>(async (job) => {
  switch (job.type) {
    case 'http-soak':
      return httpSoak(job)
    case 'ws-open':
      return wsOpen(job)
    case 'ws-run':
      return wsRun(job)
    case 'ws-close':
      return wsClose()
  }
})
