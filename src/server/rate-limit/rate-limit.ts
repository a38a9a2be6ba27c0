/**
 * `rateLimit(...)`: a middleware that answers RATE_LIMITED (429, the protocol's envelope, with
 * `details.retryAfter` in seconds and, over HTTP, `Retry-After`) once a caller has used up its
 * rule. Callers are told apart by user id, else by address; `key` chooses otherwise.
 */
import { MizanError } from '../../shared/errors.ts'
import type { MizanUser } from '../defineClient.ts'
import type { Middleware, MiddlewareOptions } from '../middleware.ts'
import { checkRule, MemoryRateLimitStore, type RateLimitRule, type RateLimitStore } from './rules.ts'

/** What the default key reads of the context. */
export interface RateLimitContext {
  user: MizanUser | null
  headers: Headers
  raw: unknown
}

export interface RateLimitOptions<TCtx extends RateLimitContext> {
  rule: RateLimitRule
  /** Default: a `MemoryRateLimitStore` of this limiter's own; `RedisRateLimitStore` to share counts between servers. */
  store?: RateLimitStore
  /** Names this limiter's keys in a shared store (default `'default'`). */
  name?: string
  /** Who is counted: default the user's id, else the client address (see `trustProxy`). */
  key?: (opts: MiddlewareOptions<TCtx>) => string | Promise<string>
  /** Read the client address from `X-Forwarded-For` (its first entry): only behind a proxy that sets it. */
  trustProxy?: boolean
  message?: string
}

/** The address of the connection (node adapters, WebSocket upgrades), or `X-Forwarded-For` when trusted. */
export function clientAddress(ctx: RateLimitContext, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = ctx.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  const socket = (ctx.raw as { socket?: { remoteAddress?: string } } | undefined)?.socket
  return socket?.remoteAddress ?? 'unknown'
}

export function rateLimit<TCtx extends RateLimitContext = RateLimitContext>(options: RateLimitOptions<TCtx>): Middleware<TCtx> {
  checkRule(options.rule)
  const store = options.store ?? new MemoryRateLimitStore()
  const prefix = `mizan:rl:${options.name ?? 'default'}:`
  const keyOf = options.key ?? (({ ctx }: MiddlewareOptions<TCtx>) => (ctx.user ? `user:${String(ctx.user.id)}` : `ip:${clientAddress(ctx, options.trustProxy)}`))
  return async (opts, next) => {
    const outcome = await store.hit(prefix + (await keyOf(opts)), options.rule)
    if (!outcome.allowed) {
      const retryAfter = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))
      throw new MizanError('RATE_LIMITED', options.message ?? 'Too many requests, try again later', { status: 429, details: { retryAfter } })
    }
    return next()
  }
}

export { MemoryRateLimitStore }
export type { RateLimitOutcome, RateLimitRule, RateLimitStore, SlidingWindowRule, TokenBucketRule } from './rules.ts'
