export function median(values: number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (!s.length) return NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Spread as (max − min) / median, in percent: how far the repeats disagreed. */
export function spreadPct(values: number[]): number {
  const s = values.filter(Number.isFinite)
  if (s.length < 2) return 0
  const m = median(s)
  return ((Math.max(...s) - Math.min(...s)) / m) * 100
}

export interface Summary {
  median: number
  min: number
  max: number
  spreadPct: number
  samples: number[]
}

export function summarize(values: number[]): Summary {
  const s = values.filter(Number.isFinite)
  return { median: median(s), min: Math.min(...s), max: Math.max(...s), spreadPct: spreadPct(s), samples: values }
}

/** Ratios of paired samples (round i of A ÷ round i of B): pairing cancels slow drifts of the machine. */
export function pairedRatios(a: number[], b: number[]): number[] {
  return a.map((v, i) => v / b[i]!).filter(Number.isFinite)
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—'),
  x: (n: number, digits = 2) => (Number.isFinite(n) ? `${n.toFixed(digits)}×` : '—'),
  pct: (n: number) => (Number.isFinite(n) ? `±${(n / 2).toFixed(1)}%` : '—'),
  kb: (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(2)} kB` : '—'),
  mb: (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : '—'),
  s: (sec: number) => (Number.isFinite(sec) ? `${sec.toFixed(2)} s` : '—'),
  us: (us: number) => (Number.isFinite(us) ? `${us.toFixed(0)} µs` : '—'),
}
