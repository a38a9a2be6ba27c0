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
  /**
   * Contexts a mutation could not purge while the backend was away. If it comes back with its
   * data (a network blip, a persistent Redis), their old bundles must not be served: they are
   * dropped by prefix before the context is read from the cache again.
   */
  private readonly unpurged = new Set<string>()

  constructor(private readonly options: ContextCacheOptions) {}

  private log(message: string, error?: unknown) {
    ;(this.options.log ?? ((m, e) => console.warn(`[mizan] ${m}`, e ?? '')))(message, error)
  }

  private async guard<T, F = T>(op: () => Promise<T>, fallback: F): Promise<T | F> {
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
    params: Record<string, unknown>,
    userId: string | null,
    compute: () => Promise<string>,
  ): Promise<{ body: string; outcome: CacheOutcome }> {
    if (ctx.cache === false) return { body: await compute(), outcome: 'BYPASS' }
    if (this.unpurged.size) await this.replayPurges()
    if (this.unpurged.has(ctx.name)) return { body: await compute(), outcome: 'BYPASS' }
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
   * next read is not stale. A purge that fails during an outage is replayed, broadly, before
   * that context is served from the cache again.
   */
  async purge(router: AnyServerRouter, entries: readonly (InvalidateEntry | MergeEntry)[], userId: string | null): Promise<void> {
    const { backend } = this.options
    const failed: unique symbol = Symbol('failed')
    for (const entry of entries) {
      const name = typeof entry === 'string' ? entry : 'context' in entry ? entry.context : undefined
      const ctx = name === undefined ? undefined : router.contexts.get(name)
      if (!ctx) continue
      const params = typeof entry === 'string' ? {} : (entry.params ?? {})
      const owners = userId === null ? [null] : [userId, null]
      const outcome = !Object.keys(params).length
        ? await this.guard(() => backend.deleteByPrefix(contextKeyPrefix(ctx.name)), failed)
        : await this.guard(async () => {
            for (const owner of owners) await backend.delete(this.keyFor(ctx, params, owner))
          }, failed)
      if (outcome === failed) this.unpurged.add(ctx.name)
    }
  }

  private async replayPurges(): Promise<void> {
    for (const name of [...this.unpurged]) {
      try {
        await this.options.backend.deleteByPrefix(contextKeyPrefix(name))
        this.unpurged.delete(name)
      } catch {
        return
      }
    }
  }
}
