import type { LatencyMs } from './jobs.ts'

/** p50…max of the first `n` recorded latencies (ms). */
export function percentiles(values: Float64Array, n: number): LatencyMs {
  const sorted = values.slice(0, n).sort()
  const q = (p: number) => (n ? sorted[Math.min(n - 1, Math.floor(p * n))]! : NaN)
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: n ? sorted[n - 1]! : NaN }
}

