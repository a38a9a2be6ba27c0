export interface HttpJob {
  type: 'http'
  url: string
  method: string
  headers: Record<string, string>
  body?: string
  connections: number
  pipelining: number
  durationS: number
  maxRequests: number
  expectBody?: string
  /** Send exactly `maxRequests` (no duration), for a count the server's work can be divided by. */
  exact?: boolean
}

export interface HttpResult {
  requests: number
  durationS: number
  rps: number
  latencyP50Ms: number
  latencyP99Ms: number
  errors: number
  non2xx: number
  mismatches: number
  /** Requests put on the wire (every one reaches the server; the last few may be cut from `requests`). */
  sent: number
}

export interface LatencyJob {
  type: 'latency'
  url: string
  method: string
  headers: Record<string, string>
  body?: string
  warmup: number
  count: number
  maxMs: number
  expectBody?: string
  expectHeader?: [string, string]
}

export interface LatencyResult {
  count: number
  bad: number
  p50Us: number
  p90Us: number
  p99Us: number
  meanUs: number
}

export interface WsRpcJob {
  type: 'ws-rpc'
  protocol: 'mizan' | 'mizan-batch' | 'trpc' | 'echo' | 'echo-batch'
  url: string
  fn: string
  payload: unknown
  connections: number
  inflight: number
  warmupS: number
  durationS: number
  maxRequests: number
  /** Send exactly `maxRequests` RPCs, no warm-up, and wait for every reply. */
  exact?: boolean
}

export interface WsRpcResult {
  requests: number
  sent: number
  failed: number
  durationS: number
  rps: number
}

export interface WsHoldJob {
  type: 'ws-hold'
  url: string
  count: number
  batch: number
  maxMs: number
}

export type Job = HttpJob | LatencyJob | WsRpcJob | WsHoldJob | { type: 'ws-release' }
