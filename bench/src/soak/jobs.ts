/** What the orchestrator asks the soak load generator (src/soak/loadgen.ts) to do, and what it answers. */

export type RequestTag = 'call' | 'ctx' | 'mutation'

/** One request exactly as our client sent it, and the body it must get back (checked on every response). */
export interface SoakRequest {
  tag: RequestTag
  method: string
  path: string
  headers: Record<string, string>
  body?: string
  expectBody: string
}

export interface HttpSoakJob {
  type: 'http-soak'
  origin: string
  /** Each connection cycles through this list. */
  requests: SoakRequest[]
  connections: number
  pipelining: number
  durationS: number
  /** Stop at this many requests even if the duration has not passed. */
  maxRequests: number
  /** Requests per second over all connections, paced evenly; none = as fast as the server answers. */
  rate?: number
  /** Width of the timeline buckets. */
  bucketMs: number
}

export interface TimelineBucket {
  /** Epoch ms of the bucket's start. */
  t: number
  done: number
  hit: number
  /** Epoch ms of the first HIT in this bucket (0: none). */
  firstHitAt: number
  miss: number
  /** Non-2xx, wrong body, connection error or timeout. */
  bad: number
}

export interface LatencyMs {
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
}

export interface HttpSoakResult {
  startedAt: number
  /** How the rate was held: `paced` (each connection on a fixed interval), `unlimited`, or autocannon's `per-second quota` fallback. */
  pacing: 'paced' | 'unlimited' | 'per-second quota'
  requests: number
  durationS: number
  rps: number
  latencyMs: LatencyMs
  latencyByTagMs: Record<RequestTag, LatencyMs>
  errors: number
  timeouts: number
  non2xx: number
  mismatches: number
  /** errors + non2xx + mismatches (timeouts are counted in errors). */
  failed: number
  failureSamples: string[]
  byTag: Record<RequestTag, number>
  cache: { HIT: number; MISS: number; none: number }
  timeline: TimelineBucket[]
}

export interface WsOpenJob {
  type: 'ws-open'
  url: string
  connections: number
  rooms: number
  /** Sockets opened (and subscribed) concurrently. */
  batch: number
  maxMs: number
}

export interface WsOpenResult {
  opened: number
  subscribed: number
  failed: number
  failureSamples: string[]
  ms: number
}

export interface WsRunJob {
  type: 'ws-run'
  durationS: number
  /** Each room publishes once per this period (alternately a client `message` frame and a server-side publish via RPC). */
  publishEveryMs: number
  /** Each socket sends one RPC per this period. */
  rpcEveryMs: number
  /** After the last send, wait this long for deliveries and replies still on the way. */
  drainMs: number
  /** The RPC's input; the reply must carry it back unchanged. */
  payload: unknown
}

export interface WsRunResult {
  durationS: number
  publishes: { client: number; server: number }
  delivered: number
  expected: number
  duplicates: number
  misrouted: number
  rpc: { sent: number; ok: number; failed: number; lost: number; latencyMs: LatencyMs }
  announce: { sent: number; ok: number; failed: number; lost: number }
  errorFrames: number
  unexpectedCloses: number
  failureSamples: string[]
  /** Sockets still open at the end. */
  open: number
}

export type SoakJob = HttpSoakJob | WsOpenJob | WsRunJob | { type: 'ws-close' }
