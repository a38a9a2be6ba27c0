import type { InvalidateEntry, MergeEntry } from '../../shared/protocol.ts'
import type { AnyServerRouter, RegisteredContext } from '../router.ts'
import type { CacheBackend } from './backend.ts'
import { contextKeyPrefix, deriveCacheKey } from './keys.ts'

export interface ContextCacheOptions {
  backend: CacheBackend
  /** HMAC secret (`MIZAN_CACHE_SECRET`); share it with Python servers to share their cache. */
  secret: string
  /** TTL for contexts whose policy is `cache: true`. */
  defaultTtlSeconds?: number
  /** Told once when the backend goes away and once when it comes back. */
  log?: (message: string, error?: unknown) => void
}

export type CacheOutcome = 'HIT' | 'MISS' | 'BYPASS'

/**
 * Origin cache of context bundles, keyed exactly as the Python core keys them. A failing
 * backend never fails a request: it is reported once per outage and skipped until it answers.
 */
export class ContextCache {
  private readonly inflight = new Map<string, Promise<string>>()
  private down = false

  constructor(private readonly options: ContextCacheOptions) {}

  private log(message: string, error?: unknown) {
    ;(this.options.log ?? ((m, e) => console.warn(`[mizan] ${m}`, e ?? '')))(message, error)
  }

  private async guard<T>(op: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const value = await op()
      if (this.down) {
        this.down = false
        this.log('cache backend is back; caching resumed')
      }
      return value
    } catch (error) {
      if (!this.down) {
        this.down = true
        this.log('cache backend unavailable; serving uncached until it returns', error)
      }
      return fallback
    }
  }

  keyFor(ctx: RegisteredContext, params: Record<string, unknown>, userId: string | null): string {
    return deriveCacheKey(this.options.secret, ctx.name, params, userId, ctx.rev)
  }

  /**
   * Serve a bundle from the cache, or compute it once per key per process (concurrent misses
   * share one computation) and store it. A computation that throws stores nothing.
   */
  async fetch(
    ctx: RegisteredContext,
    params: Record<string, string>,
    userId: string | null,
    compute: () => Promise<string>,
  ): Promise<{ body: string; outcome: CacheOutcome }> {
    if (ctx.cache === false) return { body: await compute(), outcome: 'BYPASS' }
    const key = this.keyFor(ctx, params, userId)
    const cached = await this.guard(() => this.options.backend.get(key), null)
    if (cached !== null) return { body: cached, outcome: 'HIT' }
    const shared = this.inflight.get(key)
    if (shared) return { body: await shared, outcome: 'MISS' }
    const pending = compute().finally(() => this.inflight.delete(key))
    this.inflight.set(key, pending)
    const body = await pending
    const ttl = typeof ctx.cache === 'number' ? ctx.cache : this.options.defaultTtlSeconds
    await this.guard(() => this.options.backend.set(key, body, ttl), undefined)
    return { body, outcome: 'MISS' }
  }

  /**
   * A broad entry drops every bundle of the context; a scoped one drops the bundle for those
   * params, for the caller and for anonymous readers. Merges purge like scoped entries, so the
   * next read is not stale.
   */
  async purge(router: AnyServerRouter, entries: readonly (InvalidateEntry | MergeEntry)[], userId: string | null): Promise<void> {
    for (const entry of entries) {
      if (typeof entry === 'string') {
        await this.guard(() => this.options.backend.deleteByPrefix(contextKeyPrefix(entry)), 0)
        continue
      }
      if (!('context' in entry)) continue
      const ctx = router.contexts.get(entry.context)
      if (!ctx) continue
      const params = entry.params ?? {}
      if (!Object.keys(params).length) {
        await this.guard(() => this.options.backend.deleteByPrefix(contextKeyPrefix(ctx.name)), 0)
        continue
      }
      const owners = userId === null ? [null] : [userId, null]
      for (const owner of owners) {
        await this.guard(() => this.options.backend.delete(this.keyFor(ctx, params, owner)), false)
      }
    }
  }
}
