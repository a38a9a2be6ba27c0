/**
 * `mizan-ts/rate-limit/redis`: rate-limit counts in Redis, shared by every server of an app.
 * Each hit is one Lua script (atomic, one round trip) timed by Redis's own clock, so servers
 * whose clocks disagree still count one window.
 */
import { randomUUID } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'
import type { RateLimitOutcome, RateLimitRule, RateLimitStore } from './rules.ts'

/** What the store asks of a connection, by shape (any ioredis client, the app's own copy included). */
export interface RateLimitRedisClient {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>
  quit(): Promise<unknown>
}

const NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)"

// KEYS[1]; ARGV: limit, windowMs, a unique member. Returns {allowed, retryAfterMs}.
const SLIDING_WINDOW = `${NOW}
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(oldest[2]) + window - now)}`

// KEYS[1]; ARGV: capacity, tokens per ms. Returns {allowed, retryAfterMs}.
const TOKEN_BUCKET = `${NOW}
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local allowed, wait = 0, 0
if tokens >= 1 then tokens = tokens - 1 allowed = 1 else wait = math.max(1, math.ceil((1 - tokens) / rate)) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate))
return {allowed, wait}`

export interface RedisRateLimitStoreOptions {
  /** Prepended to every key (default `''`: the limiter's own `mizan:rl:<name>:` prefix is kept as is). */
  keyPrefix?: string
  /** ioredis options when the store opens its own connection from a URL. */
  redis?: RedisOptions
}

export class RedisRateLimitStore implements RateLimitStore {
  private readonly client: RateLimitRedisClient
  private readonly owned: boolean
  private readonly keyPrefix: string

  constructor(url?: string, options?: RedisRateLimitStoreOptions)
  constructor(client: RateLimitRedisClient, options?: RedisRateLimitStoreOptions)
  constructor(source: string | RateLimitRedisClient = 'redis://127.0.0.1:6379', options: RedisRateLimitStoreOptions = {}) {
    this.owned = typeof source === 'string'
    this.client = typeof source === 'string' ? (new Redis(source, { lazyConnect: false, ...options.redis }) as unknown as RateLimitRedisClient) : source
    this.keyPrefix = options.keyPrefix ?? ''
  }

  async hit(key: string, rule: RateLimitRule): Promise<RateLimitOutcome> {
    const full = this.keyPrefix + key
    const reply =
      rule.algorithm === 'sliding-window'
        ? await this.client.eval(SLIDING_WINDOW, 1, full, rule.limit, rule.windowMs, randomUUID())
        : await this.client.eval(TOKEN_BUCKET, 1, full, rule.capacity, rule.refillPerSecond / 1000)
    const [allowed, wait] = reply as [number, number]
    return { allowed: allowed === 1, retryAfterMs: allowed === 1 ? 0 : Number(wait) }
  }

  /** Closes the connection the store opened itself; a client passed in is the app's to close. */
  async close(): Promise<void> {
    if (this.owned) await this.client.quit()
  }
}
