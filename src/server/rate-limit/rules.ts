/**
 * Rate-limit rules and the store contract, shared by the memory store (here) and the Redis
 * store (`mizan-ts/rate-limit/redis`, its own entry so apps without Redis never load ioredis).
 */

/** At most `limit` calls in any `windowMs` (an exact sliding log, not fixed windows). */
export interface SlidingWindowRule {
  algorithm: 'sliding-window'
  limit: number
  windowMs: number
}

/** Bursts up to `capacity`, refilled at `refillPerSecond` tokens a second; a call takes one token. */
export interface TokenBucketRule {
  algorithm: 'token-bucket'
  capacity: number
  refillPerSecond: number
}

export type RateLimitRule = SlidingWindowRule | TokenBucketRule

export interface RateLimitOutcome {
  allowed: boolean
  /** When refused: how long until a call would be allowed, in ms. */
  retryAfterMs: number
}

/** Where the counts live. One store may serve several limiters: keys are prefixed by the limiter. */
export interface RateLimitStore {
  hit(key: string, rule: RateLimitRule): Promise<RateLimitOutcome>
}

export function checkRule(rule: RateLimitRule): void {
  const positive = (n: number) => Number.isFinite(n) && n > 0
  if (rule.algorithm === 'sliding-window') {
    if (!Number.isInteger(rule.limit) || rule.limit < 1 || !positive(rule.windowMs)) throw new TypeError('rateLimit: a sliding window needs an integer limit ≥ 1 and a positive windowMs')
  } else if (rule.algorithm === 'token-bucket') {
    if (!Number.isInteger(rule.capacity) || rule.capacity < 1 || !positive(rule.refillPerSecond)) throw new TypeError('rateLimit: a token bucket needs an integer capacity ≥ 1 and a positive refillPerSecond')
  } else {
    throw new TypeError(`rateLimit: unknown algorithm '${(rule as { algorithm?: unknown }).algorithm}'`)
  }
}

type Entry = { log: number[]; tokens: number; at: number; until: number }

/**
 * Counts in this process: for one server, or tests. Idle keys are swept now and then, so a
 * stream of one-off callers does not grow the map forever.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly entries = new Map<string, Entry>()
  private nextSweep = 0

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.entries.size
  }

  hit(key: string, rule: RateLimitRule): Promise<RateLimitOutcome> {
    const now = this.now()
    if (now >= this.nextSweep) this.sweep(now)
    let entry = this.entries.get(key)
    if (!entry) this.entries.set(key, (entry = { log: [], tokens: rule.algorithm === 'token-bucket' ? rule.capacity : 0, at: now, until: now }))
    return Promise.resolve(rule.algorithm === 'sliding-window' ? slide(entry, rule, now) : take(entry, rule, now))
  }

  private sweep(now: number): void {
    this.nextSweep = now + 10_000
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key)
  }
}

function slide(entry: Entry, rule: SlidingWindowRule, now: number): RateLimitOutcome {
  const since = now - rule.windowMs
  let drop = 0
  while (drop < entry.log.length && (entry.log[drop] as number) <= since) drop++
  if (drop) entry.log.splice(0, drop)
  if (entry.log.length < rule.limit) {
    entry.log.push(now)
    entry.until = now + rule.windowMs
    return { allowed: true, retryAfterMs: 0 }
  }
  return { allowed: false, retryAfterMs: Math.max(1, (entry.log[0] as number) + rule.windowMs - now) }
}

function take(entry: Entry, rule: TokenBucketRule, now: number): RateLimitOutcome {
  const perMs = rule.refillPerSecond / 1000
  entry.tokens = Math.min(rule.capacity, entry.tokens + (now - entry.at) * perMs)
  entry.at = now
  entry.until = now + Math.ceil(rule.capacity / perMs)
  if (entry.tokens >= 1) {
    entry.tokens -= 1
    return { allowed: true, retryAfterMs: 0 }
  }
  return { allowed: false, retryAfterMs: Math.max(1, Math.ceil((1 - entry.tokens) / perMs)) }
}
