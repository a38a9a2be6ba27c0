import type { InvalidateEntry, MergeEntry } from '../../shared/protocol.ts'
import type { AnyServerRouter, RegisteredContext } from '../router.ts'
import { coerceLaxValue } from '../schema.ts'
import type { CacheBackend } from './backend.ts'
import { memberParams } from '../context-access.ts'
import { parseInput } from '../execute.ts'
import { bundleKeyOf, cacheKeyMessage, contextGenerationKey, contextKeyPrefix, deriveCacheKey, paramGenerationKey, typedText, userGenerationKey } from './keys.ts'

/**
 * `'mizan'` (default): generation-stamped keys. A purge replaces one or a few generation
 * tokens, so it invalidates the context (or the params) for every user and for anonymous
 * readers, in O(1) whatever else is in the store.
 *
 * `'python'`: the reference's byte-identical keys (`ctx:<name>:<HMAC>`, raw bundle values), for
 * a Redis shared with django-izana. Its guarantees are the reference's: a scoped purge drops
 * the caller's and the anonymous entry only (other users may be served the old bundle until
 * the TTL), and a broad purge SCANs the keyspace. See docs/CACHE.md.
 */
export type CacheKeyMode = 'mizan' | 'python'

export interface ContextCacheOptions {
  backend: CacheBackend
  /** HMAC secret (`MIZAN_CACHE_SECRET`); share it with Python servers to share their cache. */
  secret: string
  /** TTL for contexts whose policy is `cache: true`. */
  defaultTtlSeconds?: number
  /** Key derivation and purge semantics; default `'mizan'`. */
  keys?: CacheKeyMode
  /** Told once when the backend goes away and once when it comes back. */
  log?: (message: string, error?: unknown) => void
}

export type CacheOutcome = 'HIT' | 'MISS' | 'BYPASS'

/** What a read is keyed on: the params after the members' schemas (canonical), and as they came (the Python mode's key). */
export interface CacheRead {
  params: Record<string, unknown>
  raw: Record<string, unknown>
  /** Params the members parse differently: each member's value goes into the bundle key. */
  variants?: Record<string, unknown[]> | undefined
}

/** Cache entries are scoped to the user whenever there is one: any id, `0` and `''` included, is a user. */
export function cacheUserId(user: { id?: unknown } | null | undefined): string | null {
  const id = user?.id
  return id === undefined || id === null ? null : String(id)
}

const KEY_MEMO_SIZE = 4096

// Web Crypto, so the server entry loads on Workers too (no node:crypto).
const freshToken = () => Array.from(globalThis.crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('')
const unpurgedByBackend = new WeakMap<CacheBackend, Map<string, RegisteredContext>>()
/** Per backend: the connection epoch each context's generation was last replaced at. */
const epochsByBackend = new WeakMap<CacheBackend, Map<string, number | Promise<boolean>>>()
/** The Python mode's purge count per context, per backend: its keys carry no generation to tell an older computation by. */
const purgesByBackend = new WeakMap<CacheBackend, Map<string, number>>()
const STAMP_END = '\n'
const REPLAY_EVERY_MS = 1000
/** Backends with a timer retrying their lost purges. */
const retrying = new WeakSet<CacheBackend>()

/**
 * Origin cache of context bundles. Authorization is not its job: every caller has run
 * `authorizeContextRead` before asking it. A failing backend never fails a request: it is
 * reported once per outage and skipped until it answers.
 */
export class ContextCache {
  private readonly inflight = new Map<string, Promise<string>>()
  /** The keys of recent reads by their key message (context, params, user, rev): a HIT then derives no HMAC. */
  private readonly keyMemo = new Map<string, { key: string; gens: string[] }>()
  private down = false
  private readonly mode: CacheKeyMode
  /**
   * Contexts a mutation could not purge while the backend was away. If it comes back with its
   * data (a network blip, a persistent Redis), their old bundles must not be served: the purge
   * is replayed, broadly, before the context is read from the cache again. Kept per backend, not
   * per ContextCache: the HTTP handler, the WebSocket adapter and callers of one process each
   * make their own, and a purge one of them lost must hold for all of them.
   */
  private readonly unpurged: Map<string, RegisteredContext>
  private readonly purges: Map<string, number>
  private readonly epochs: Map<string, number | Promise<boolean>>

  constructor(private readonly options: ContextCacheOptions) {
    let lost = unpurgedByBackend.get(options.backend)
    if (!lost) unpurgedByBackend.set(options.backend, (lost = new Map()))
    this.unpurged = lost
    let purges = purgesByBackend.get(options.backend)
    if (!purges) purgesByBackend.set(options.backend, (purges = new Map()))
    this.purges = purges
    let epochs = epochsByBackend.get(options.backend)
    if (!epochs) epochsByBackend.set(options.backend, (epochs = new Map()))
    this.epochs = epochs
    this.mode = options.keys ?? 'mizan'
    if (this.mode !== 'mizan' && this.mode !== 'python') throw new TypeError(`cache.keys must be 'mizan' or 'python', not ${String(options.keys)}`)
  }

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

  private ttlOf(ctx: RegisteredContext): number {
    return typeof ctx.cache === 'number' ? ctx.cache : (this.options.defaultTtlSeconds ?? 86_400)
  }

  /** Generations outlive the bundles stamped with them; one that expires anyway only costs a miss. */
  private generationTtl(ctx: RegisteredContext): number {
    return this.ttlOf(ctx) * 2 + 60
  }

  /**
   * A read's generation keys: the context's, and one per declared param (its value, or "not
   * given"); for a user-scoped context (`scope: 'user'`) also the reader's own, which a broad
   * purge by that user replaces instead of the context's.
   */
  generationKeys(ctx: RegisteredContext, params: Record<string, unknown>, userId: string | null = null): string[] {
    const keys = [contextGenerationKey(ctx.name)]
    if (ctx.scope === 'user') keys.push(userGenerationKey(this.options.secret, ctx.name, userId))
    // null reads under "not given": a read of "any value" must see a scoped purge of any value.
    for (const name of ctx.params.keys()) keys.push(paramGenerationKey(this.options.secret, ctx.name, name, params[name]))
    return keys
  }

  /**
   * Serve a bundle from the cache, or compute it once per key and generation per process
   * (concurrent misses share one computation) and store it. A computation that throws stores nothing.
   */
  async fetch(ctx: RegisteredContext, read: CacheRead, userId: string | null, compute: () => Promise<string>): Promise<{ body: string; outcome: CacheOutcome }> {
    if (ctx.cache === false) return { body: await compute(), outcome: 'BYPASS' }
    if (this.unpurged.size) await this.replayPurges()
    if (this.unpurged.has(ctx.name)) return { body: await compute(), outcome: 'BYPASS' }
    const epoch = this.options.backend.connectionEpoch
    if (epoch && this.epochs.get(ctx.name) !== epoch && !(await this.afterReconnect(ctx, epoch))) return { body: await compute(), outcome: 'BYPASS' }
    return this.mode === 'python' ? this.fetchPython(ctx, read, userId, compute) : this.fetchStamped(ctx, read.params, userId, compute, read.variants)
  }

  private async fetchStamped(
    ctx: RegisteredContext,
    params: Record<string, unknown>,
    userId: string | null,
    compute: () => Promise<string>,
    variants?: Record<string, unknown[]>,
  ): Promise<{ body: string; outcome: CacheOutcome }> {
    const { backend, secret } = this.options
    // Typed values: `null` and `"null"` (or `1` and `"1"` under a union schema) are different reads.
    const typed = typedParams(params)
    for (const name in variants) typed[name] = typedText(variants[name])
    const message = cacheKeyMessage(ctx.name, typed, userId, ctx.rev)
    let keys = this.keyMemo.get(message)
    if (!keys) {
      // Bounded: a flood of distinct reads empties it rather than growing it.
      if (this.keyMemo.size >= KEY_MEMO_SIZE) this.keyMemo.clear()
      keys = { key: bundleKeyOf(secret, ctx.name, message), gens: this.generationKeys(ctx, params, userId) }
      this.keyMemo.set(message, keys)
    }
    const { key, gens } = keys
    const values = await this.guard(() => backend.getMany(gens.concat(key)), null)
    if (values === null) return { body: await compute(), outcome: 'MISS' }
    let tokens = values.slice(0, gens.length)
    const stored = values[gens.length]
    if (stored != null && !tokens.includes(null)) {
      const stamp = tokens.join(',')
      if (stored.length > stamp.length && stored.charCodeAt(stamp.length) === 10 && stored.startsWith(stamp)) return { body: stored.slice(stamp.length + 1), outcome: 'HIT' }
    }
    if (tokens.some((t) => t === null)) {
      // A generation nobody has bumped yet (or that expired): start it. The computation below
      // begins after this answer, so whatever it reads is at least as new as these tokens.
      const started = await this.guard(() => backend.setAbsent(gens, gens.map(freshToken), this.generationTtl(ctx)), null)
      if (started === null) return { body: await compute(), outcome: 'MISS' }
      tokens = started
    }
    const stamp = tokens.join(',')
    // Only a computation started under the same generations may be shared: one begun before a purge must not answer after it.
    const flight = `${key}${STAMP_END}${stamp}`
    const shared = this.inflight.get(flight)
    if (shared) return { body: await shared, outcome: 'MISS' }
    const pending = compute().finally(() => this.inflight.delete(flight))
    this.inflight.set(flight, pending)
    const body = await pending
    await this.guard(() => backend.set(key, stamp + STAMP_END + body, this.ttlOf(ctx)), undefined)
    return { body, outcome: 'MISS' }
  }

  private async fetchPython(ctx: RegisteredContext, read: CacheRead, userId: string | null, compute: () => Promise<string>): Promise<{ body: string; outcome: CacheOutcome }> {
    const { backend, secret } = this.options
    const key = deriveCacheKey(secret, ctx.name, declaredOnly(ctx, read.raw), userId, ctx.rev)
    const cached = await this.guard(() => backend.get(key), null)
    if (cached !== null) return { body: cached, outcome: 'HIT' }
    // A computation begun before a purge (of this process) neither answers a later read nor is stored after it.
    const epoch = this.purges.get(ctx.name) ?? 0
    const flight = `${key}${STAMP_END}${epoch}`
    const shared = this.inflight.get(flight)
    if (shared) return { body: await shared, outcome: 'MISS' }
    const pending = compute().finally(() => this.inflight.delete(flight))
    this.inflight.set(flight, pending)
    const body = await pending
    const purged = () => (this.purges.get(ctx.name) ?? 0) !== epoch
    if (purged()) return { body, outcome: 'MISS' }
    await this.guard(() => backend.set(key, body, this.ttlOf(ctx)), undefined)
    if (purged()) await this.guard(() => backend.delete(key), undefined)
    return { body, outcome: 'MISS' }
  }

  /**
   * Invalidate what a mutation's entries name, for every reader. A broad entry replaces the
   * context's generation; a scoped one replaces the generations of the param values it names
   * and of "param not given" (a read without the param may list the changed row); for a
   * user-scoped context, a broad entry replaces the caller's generation only. Merges
   * purge like scoped entries. A purge that fails during an outage is replayed, broadly,
   * before that context is served from the cache again.
   */
  async purge(router: AnyServerRouter, entries: readonly (InvalidateEntry | MergeEntry)[], userId: string | null): Promise<void> {
    const byContext = new Map<RegisteredContext, Set<string>>()
    const python: [RegisteredContext, Record<string, unknown>][] = []
    for (const entry of entries) {
      const name = typeof entry === 'string' ? entry : 'context' in entry ? entry.context : undefined
      const ctx = name === undefined ? undefined : router.contexts.get(name)
      if (!ctx) continue
      const params = typeof entry === 'string' ? {} : ((entry.params ?? {}) as Record<string, unknown>)
      if (this.mode === 'python') {
        python.push([ctx, params])
        continue
      }
      const keys = byContext.get(ctx) ?? new Set<string>()
      byContext.set(ctx, keys)
      for (const key of await this.purgeKeys(ctx, params, userId)) keys.add(key)
    }
    for (const [ctx, keys] of byContext) {
      const list = [...keys]
      const ok = await this.guard(async () => (await this.options.backend.setAll(list, list.map(freshToken), this.generationTtl(ctx)), true), false)
      if (!ok) this.lost(ctx)
    }
    for (const [ctx, params] of python) await this.purgePython(ctx, params, userId)
  }

  private async purgeKeys(ctx: RegisteredContext, params: Record<string, unknown>, userId: string | null): Promise<string[]> {
    const { secret } = this.options
    const keys: string[] = []
    const parsed = await parsedByMembers(ctx, params)
    for (const [name, value] of Object.entries(params)) {
      const info = ctx.params.get(name)
      if (!info || value === undefined) continue
      keys.push(paramGenerationKey(secret, ctx.name, name, undefined))
      // The mutation's args are raw JSON; reads are keyed on parsed values. Lax coercion covers "1" vs 1 and "true" vs true;
      // the members' own schemas cover what they reshape (dates, trims, transforms).
      keys.push(paramGenerationKey(secret, ctx.name, name, value))
      const coerced = coerceLaxValue(value, info.kind)
      if (coerced !== value) keys.push(paramGenerationKey(secret, ctx.name, name, coerced))
      for (const value of parsed.get(name) ?? []) keys.push(paramGenerationKey(secret, ctx.name, name, value))
    }
    if (keys.length) return keys
    // A user-scoped bundle changed for its caller only: the other users' copies stay valid.
    return [ctx.scope === 'user' ? userGenerationKey(secret, ctx.name, userId) : contextGenerationKey(ctx.name)]
  }

  /** The reference's purge: the caller's and the anonymous key for scoped params, a SCAN for a broad one. */
  private async purgePython(ctx: RegisteredContext, params: Record<string, unknown>, userId: string | null): Promise<void> {
    const { backend, secret } = this.options
    this.purges.set(ctx.name, (this.purges.get(ctx.name) ?? 0) + 1)
    const scoped = declaredOnly(ctx, params)
    const userScoped = ctx.scope === 'user'
    const owners = userScoped || userId === null ? [userId] : [userId, null]
    // Keys are HMACs: only a paramless user-scoped context can drop one user's bundles without a SCAN.
    const exact = Object.keys(scoped).length > 0 || (userScoped && ctx.params.size === 0)
    const ok = await this.guard(async () => {
      if (!exact) await backend.deleteByPrefix(contextKeyPrefix(ctx.name))
      else for (const owner of owners) await backend.delete(deriveCacheKey(secret, ctx.name, scoped, owner, ctx.rev))
      return true
    }, false)
    if (!ok) this.lost(ctx)
  }

  /**
   * The backend lost its connection since this context was last read: it may be back from a
   * snapshot that predates purges of any process, so the context's generation is replaced (the
   * Python mode drops its keys) once per epoch before it is read again. False if that failed.
   */
  private async afterReconnect(ctx: RegisteredContext, epoch: number): Promise<boolean> {
    const pending = this.epochs.get(ctx.name)
    if (pending instanceof Promise) return pending
    const { backend } = this.options
    const bump = this.guard(async () => {
      if (this.mode === 'python') await backend.deleteByPrefix(contextKeyPrefix(ctx.name))
      else await backend.setAll([contextGenerationKey(ctx.name)], [freshToken()], this.generationTtl(ctx))
      return true
    }, false)
    this.epochs.set(ctx.name, bump)
    const ok = await bump
    if (ok) this.epochs.set(ctx.name, epoch)
    else this.epochs.delete(ctx.name)
    return ok
  }

  /**
   * A purge that did not land. This process replays it before reading the context; other
   * processes sharing the store know nothing of it, so it is also retried every second until
   * it lands, whether or not this process reads again.
   */
  private lost(ctx: RegisteredContext): void {
    this.unpurged.set(ctx.name, ctx)
    const { backend } = this.options
    if (retrying.has(backend)) return
    const timer = setInterval(() => {
      void this.replayPurges().then(() => {
        if (this.unpurged.size) return
        clearInterval(timer)
        retrying.delete(backend)
      })
    }, REPLAY_EVERY_MS)
    ;(timer as { unref?: () => void }).unref?.()
    retrying.add(backend)
  }

  private async replayPurges(): Promise<void> {
    const { backend } = this.options
    for (const [name, ctx] of [...this.unpurged]) {
      try {
        if (this.mode === 'python') await backend.deleteByPrefix(contextKeyPrefix(name))
        else await backend.setAll([contextGenerationKey(name)], [freshToken()], this.generationTtl(ctx))
        this.unpurged.delete(name)
      } catch {
        return
      }
    }
  }
}

/** Each param's value as a read's member schemas parse it: what the read was keyed on. Members the entry's params do not satisfy are skipped. */
async function parsedByMembers(ctx: RegisteredContext, params: Record<string, unknown>): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>()
  for (const member of ctx.members) {
    if (!member.fn.options.input) continue
    let parsed: unknown
    try {
      parsed = await parseInput(member, memberParams(member, params) ?? {})
    } catch {
      continue
    }
    if (typeof parsed !== 'object' || parsed === null) continue
    for (const p of member.params) {
      const value = (parsed as Record<string, unknown>)[p.name]
      if (value !== undefined && params[p.name] !== undefined) out.set(p.name, [...(out.get(p.name) ?? []), value])
    }
  }
  return out
}

function typedParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of Object.keys(params)) out[key] = typedText(params[key])
  return out
}

/** The reference ignores params no member declares; so does the key. */
function declaredOnly(ctx: RegisteredContext, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const name of ctx.params.keys()) if (Object.hasOwn(params, name) && params[name] !== undefined) out[name] = params[name]
  return out
}
