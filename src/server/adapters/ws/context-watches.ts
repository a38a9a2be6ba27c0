/**
 * Opt-in live invalidation for one socket: `watch`/`unwatch` a context, and the hub's
 * invalidations passed on as `{"type":"invalidate"}` frames, filtered to what the socket watches.
 */
import { MizanError } from '../../../shared/errors.ts'
import { pythonStr } from '../../../shared/invalidate-header.ts'
import type { InvalidateEntry, WireParams, WsInvalidateFrame } from '../../../shared/protocol.ts'
import { canonicalJson, type LiveListener } from '../../channels/hub.ts'
import { userKey } from '../../channels/live-registry.ts'
import { enforceAuth } from '../../execute.ts'
import { releaseEach, type SessionLink, type WsEnv } from './env.ts'
import { isRecord, pyText, type Frame } from './frames.ts'

/** The reference's param comparison on the client, applied here before any frame leaves. */
function sameValue(a: unknown, b: unknown): boolean {
  return String(a) === String(b) || pythonStr(a) === pythonStr(b)
}

function paramsWithin(entry: WireParams, watched: WireParams): boolean {
  return Object.entries(entry).every(([name, value]) => Object.prototype.hasOwnProperty.call(watched, name) && sameValue(watched[name], value))
}

export class ContextWatches implements LiveListener {
  /** context + canonical params → watched params. */
  private readonly watches = new Map<string, { context: string; params: WireParams }>()
  /** context → watches of this socket on it: the socket is the hub's watcher of each context once. */
  private readonly watchedContexts = new Map<string, number>()
  /** Who the socket was when it last watched: user-scoped invalidations of someone else skip it. */
  private user: string | null = null

  constructor(
    private readonly env: WsEnv,
    private readonly session: SessionLink,
  ) {}

  get size(): number {
    return this.watches.size
  }

  async watch(frame: Frame): Promise<void> {
    const name = frame['context']
    const ctxDef = typeof name === 'string' ? this.env.router.contexts.get(name) : undefined
    if (!ctxDef) return this.session.send({ error: `Unknown context: ${pyText(name)}` })
    const params = frame['params'] ?? {}
    if (!isRecord(params)) return this.session.send({ error: "'params' must be an object", context: ctxDef.name })
    const key = `${ctxDef.name}\u0000${canonicalJson(params)}`
    if (this.watches.has(key)) return this.session.send({ watching: true, context: ctxDef.name, params })
    const { maxSubscriptions } = this.env.limits
    if (this.session.subscriptionCount >= maxSubscriptions) {
      return this.session.send({ error: `Too many subscriptions (max ${maxSubscriptions})`, context: ctxDef.name, params })
    }
    // Whoever may not read the bundle may not hear about it either.
    let ctx: Awaited<ReturnType<SessionLink['context']>>
    try {
      ctx = await this.session.context()
      for (const member of ctxDef.members) await enforceAuth(member.fn.options.auth, ctx)
    } catch (error) {
      const failure = error instanceof MizanError ? error : this.session.asMizanError(error, `watch ${ctxDef.name}`)
      return this.session.send({ error: failure.code === 'UNAUTHORIZED' ? failure.message : 'Not authorized', context: ctxDef.name })
    }
    if (this.session.closed) return
    this.user = userKey(ctx.user) ?? null
    this.watches.set(key, { context: ctxDef.name, params })
    const count = this.watchedContexts.get(ctxDef.name) ?? 0
    this.watchedContexts.set(ctxDef.name, count + 1)
    if (count === 0) await this.env.hub.watch(ctxDef.name, this)
    this.session.send({ watching: true, context: ctxDef.name, params })
  }

  async unwatch(frame: Frame): Promise<void> {
    const name = typeof frame['context'] === 'string' ? frame['context'] : pyText(frame['context'])
    const params = frame['params'] ?? {}
    const key = `${name}\u0000${canonicalJson(params)}`
    if (this.watches.delete(key)) await this.dropWatchedContext(name)
    this.session.send({ unwatched: true, context: name, params })
  }

  private async dropWatchedContext(name: string): Promise<void> {
    const count = (this.watchedContexts.get(name) ?? 1) - 1
    if (count > 0) return void this.watchedContexts.set(name, count)
    this.watchedContexts.delete(name)
    await this.env.hub.unwatch(name, this)
  }

  /**
   * From the hub: entries of some mutation. Only entries this socket watches leave, and a
   * scoped entry only when its params are among the watched ones, so nobody learns the
   * params another user's mutation touched.
   */
  invalidate(entries: readonly InvalidateEntry[], origin?: string, user?: string | null): void {
    // The client that made the change applied its own response already; telling it again would refetch.
    if (origin !== undefined && origin === this.session.clientId) return
    const out: InvalidateEntry[] = []
    for (const entry of entries) {
      const context = typeof entry === 'string' ? entry : 'context' in entry ? entry.context : undefined
      // A user-scoped bundle holds the caller's own data: another user's change leaves it as it is.
      if (context !== undefined && user !== undefined && user !== this.user && this.env.userScoped(context)) continue
      if (typeof entry === 'string') {
        if (this.watchedContexts.has(entry)) out.push(entry)
        continue
      }
      if (!('context' in entry)) continue
      for (const watched of this.watches.values()) {
        if (watched.context === entry.context && paramsWithin(entry.params, watched.params)) {
          out.push(entry)
          break
        }
      }
    }
    if (out.length) this.session.send({ type: 'invalidate', invalidate: out } satisfies WsInvalidateFrame)
  }

  /** Every watched bundle, as one invalidation frame: the wire the client (and a Python peer) already reads. */
  resync(): void {
    if (this.session.closed || !this.watches.size) return
    const out: InvalidateEntry[] = [...this.watches.values()].map(({ context, params }) => (Object.keys(params).length ? { context, params } : context))
    this.session.send({ type: 'invalidate', invalidate: out } satisfies WsInvalidateFrame)
  }

  /** Forget every watch now; the returned step stops watching on the hub, for after the session's pending work. */
  detach(): () => Promise<void> {
    const contexts = [...this.watchedContexts.keys()]
    this.watches.clear()
    this.watchedContexts.clear()
    return () => releaseEach(this.env, [...contexts, ...this.watchedContexts.keys()], (name) => this.env.hub.unwatch(name, this))
  }
}
