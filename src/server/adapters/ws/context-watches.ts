/**
 * Opt-in live invalidation for one socket: `watch`/`unwatch` a context, and the hub's
 * invalidations passed on as `{"type":"invalidate"}` frames, filtered to what the socket watches.
 *
 * A client that sends `resume: true` with its watches (Mizan's does) is also told the hub's
 * position after each frame (`{"type":"position"}`); coming back on a new socket it sends the
 * last one as `since`, and hears only of the bundles invalidated meanwhile (all of them, when
 * the process cannot tell: another process, or a restarted one). A first watch may say how old
 * the bundle it holds is (`age`, ms on the client's clock, since it asked for it): the bundles
 * invalidated in that window (with some slack) are invalidated at once, so a change between the
 * page's HTTP read and its socket's watch is not missed.
 */
import { MizanError } from '../../../shared/errors.ts'
import { pythonStr } from '../../../shared/invalidate-header.ts'
import type { InvalidateEntry, WireParams, WsInvalidateFrame } from '../../../shared/protocol.ts'
import { canonicalJson, type LiveListener, type LiveMessage } from '../../channels/hub.ts'
import { userKey, type LiveHistory } from '../../channels/live-registry.ts'
import type { MizanUser, RequestContext } from '../../defineClient.ts'
import type { RegisteredContext } from '../../router.ts'
import { releaseEach, type SessionLink, type WsEnv } from './env.ts'
import { isRecord, pyText, type Frame } from './frames.ts'

/** The reference's param comparison on the client, applied here before any frame leaves. */
function sameValue(a: unknown, b: unknown): boolean {
  return jsText(a) === jsText(b) || pythonStr(a) === pythonStr(b)
}

/** `String(value)`, except for an object from a frame, whose `toString` may be anything (`{"toString":1}` makes String() throw). */
const jsText = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value))

function paramsWithin(entry: WireParams, watched: WireParams): boolean {
  return Object.entries(entry).every(([name, value]) => Object.hasOwn(watched, name) && sameValue(watched[name], value))
}

interface Watch {
  context: string
  params: WireParams
}

const entryOf = ({ context, params }: Watch): InvalidateEntry => (Object.keys(params).length ? { context, params } : context)

export class ContextWatches implements LiveListener {
  /** context + canonical params → watched params. */
  private readonly watches = new Map<string, Watch>()
  /** context → watches of this socket on it: the socket is the hub's watcher of each context once. */
  private readonly watchedContexts = new Map<string, number>()
  /** Who the socket was when it last watched: user-scoped invalidations of someone else skip it. */
  private user: string | null = null
  /** The client asked for positions (`resume: true`). */
  private resumable = false
  /** A position frame waiting for the end of this turn. */
  private position: string | undefined

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
    if (!ctxDef) return this.session.refuse(new MizanError('NOT_FOUND', `Unknown context: ${pyText(name)}`))
    const params = frame['params'] ?? {}
    if (!isRecord(params)) return this.session.refuse(new MizanError('BAD_REQUEST', "'params' must be an object"), { context: ctxDef.name })
    if (frame['resume'] === true) this.resumable = true
    const key = `${ctxDef.name}\u0000${canonicalJson(params)}`
    if (this.watches.has(key)) return this.session.send({ watching: true, context: ctxDef.name, params })
    const { maxSubscriptions } = this.env.limits
    if (this.session.subscriptionCount >= maxSubscriptions) {
      return this.session.refuse(new MizanError('BAD_REQUEST', `Too many subscriptions (max ${maxSubscriptions})`), { context: ctxDef.name, params })
    }
    // Whoever may not read the bundle may not hear about it either.
    let ctx: RequestContext<MizanUser>
    try {
      ctx = await this.session.context()
      await this.authorize(ctxDef, params, ctx)
    } catch (error) {
      const failure = this.session.asMizanError(error, `watch ${ctxDef.name}`)
      const told = failure.code === 'UNAUTHORIZED' || failure.code === 'VALIDATION_ERROR' ? failure : new MizanError('FORBIDDEN', 'Not authorized', { cause: failure.cause ?? failure })
      return this.session.refuse(told, { context: ctxDef.name })
    }
    if (this.session.closed) return
    this.user = userKey(ctx.user) ?? null
    const watch: Watch = { context: ctxDef.name, params }
    this.watches.set(key, watch)
    const count = this.watchedContexts.get(ctxDef.name) ?? 0
    this.watchedContexts.set(ctxDef.name, count + 1)
    if (count === 0) await this.env.hub.watch(ctxDef.name, this)
    this.session.send({ watching: true, context: ctxDef.name, params })
    // Registered above: what happens from here on is delivered. What happened since the client's position (or read) is looked up.
    const missed = 'since' in frame ? this.changedIn(this.env.hub.liveSince(frame['since']), watch) : 'age' in frame && this.changedIn(this.env.hub.liveWithin(frame['age']), watch)
    if (missed) this.session.send({ type: 'invalidate', invalidate: [entryOf(watch)] } satisfies WsInvalidateFrame)
    if (this.resumable) this.sendPosition(this.env.hub.livePosition)
  }

  /** A watch reveals what a read would, so it is allowed exactly when a read is (context-access.ts). */
  private async authorize(ctxDef: RegisteredContext, params: WireParams, ctx: RequestContext<MizanUser>): Promise<void> {
    await this.env.core.authorizeRead(ctxDef, params, ctx)
  }

  /** `true` unless the hub can vouch (`history` known) that nothing in it concerns this watch. */
  private changedIn(history: LiveHistory, watch: Watch): boolean {
    if (!history) return true
    return history.some((item) => item === 'resync' || this.concerns(item, watch))
  }

  private concerns({ invalidate, origin, user }: LiveMessage, watch: Watch): boolean {
    if (origin !== undefined && origin === this.session.clientId) return false
    return invalidate.some((entry) => this.entryConcerns(entry, watch, user))
  }

  private entryConcerns(entry: InvalidateEntry, watch: Watch, user: string | null | undefined): boolean {
    const context = typeof entry === 'string' ? entry : 'context' in entry ? entry.context : undefined
    if (context !== watch.context) return false
    // A user-scoped bundle holds the caller's own data: another user's change leaves it as it is.
    if (user !== undefined && user !== this.user && this.env.userScoped(context)) return false
    return typeof entry === 'string' || paramsWithin((entry as { params: WireParams }).params, watch.params)
  }

  /**
   * After this turn, and the latest only: the frames of a burst share one position frame, and a
   * batching socket's frames of this turn leave as they did before positions existed.
   */
  private sendPosition(position: string): void {
    const scheduled = this.position !== undefined
    this.position = position
    if (scheduled) return
    setImmediate(() => {
      const latest = this.position
      this.position = undefined
      if (latest !== undefined && !this.session.closed) this.session.send({ type: 'position', position: latest })
    })
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
  invalidate(entries: readonly InvalidateEntry[], origin: string | undefined, user: string | null | undefined, position: string): void {
    // The client that made the change applied its own response already; telling it again would refetch.
    if (origin !== undefined && origin === this.session.clientId) return
    const out: InvalidateEntry[] = []
    for (const entry of entries) {
      for (const watched of this.watches.values()) {
        if (this.entryConcerns(entry, watched, user)) {
          out.push(entry)
          break
        }
      }
    }
    if (!out.length) return
    this.session.send({ type: 'invalidate', invalidate: out } satisfies WsInvalidateFrame)
    if (this.resumable) this.sendPosition(position)
  }

  /** Every watched bundle, as one invalidation frame: the wire the client (and a Python peer) already reads. */
  resync(position: string): void {
    if (this.session.closed || !this.watches.size) return
    this.session.send({ type: 'invalidate', invalidate: [...this.watches.values()].map(entryOf) } satisfies WsInvalidateFrame)
    if (this.resumable) this.sendPosition(position)
  }

  /** Forget every watch now; the returned step stops watching on the hub, for after the session's pending work. */
  detach(): () => Promise<void> {
    const contexts = [...this.watchedContexts.keys()]
    this.watches.clear()
    this.watchedContexts.clear()
    return () => releaseEach(this.env, [...contexts, ...this.watchedContexts.keys()], (name) => this.env.hub.unwatch(name, this))
  }
}
