/**
 * Who of this process watches which context, and the routing of an invalidation to them. The
 * hub feeds it from its own process's mutations and from the bus; each listener (a socket)
 * decides which entries concern it.
 */
import type { InvalidateEntry } from '../../shared/protocol.ts'
import type { MizanUser } from '../defineClient.ts'

/** A live invalidation as it travels: the entries, the client that caused it, and the user who did. */
export interface LiveMessage {
  invalidate: InvalidateEntry[]
  /** The client id that made the change, if it said: its own socket is not told again. */
  origin?: string | undefined
  /** The id of the user whose call it was (`null`: anonymous): user-scoped contexts concern only that user. */
  user?: string | null | undefined
}

/** A socket that watches contexts, as the hub sees it. `position` is the hub's, just after this message. */
export interface LiveListener {
  invalidate(entries: readonly InvalidateEntry[], origin: string | undefined, user: string | null | undefined, position: string): void
  /** Updates may have been missed (the bus was down): treat everything watched as invalidated. */
  resync(position: string): void
}

/** What happened after a position: the messages, or `undefined` when the log cannot tell (another process's position, or too old). */
export type LiveHistory = readonly (LiveMessage | 'resync')[] | undefined

/** Messages remembered for resuming sockets; a position older than this resyncs everything it watches. */
const LOG_SIZE = 4096

/**
 * Slack on a watch's `age` (read → watch): covers the read's answer and the watch frame in
 * transit, the two legs the client's clock does not see. Too much costs at most a refetch.
 */
export const AGE_SLACK_MS = 1000

/** The user an invalidation is attributed to, as a string (ids `1` and `'1'` are one user). */
export function userKey(user: MizanUser | null | undefined): string | null | undefined {
  if (user === undefined) return undefined
  return user && user.id !== '' ? String(user.id) : null
}

/**
 * Every message this process delivered (its own and the bus's) gets the next number of its log;
 * `<hub id>:<number>` is a position. A socket that comes back with the position it had reached
 * is told only about the bundles invalidated since, so a reconnect after a quiet period costs
 * no refetch; a position from another process (or a restarted one) cannot be vouched for.
 */
export class LiveRegistry {
  private readonly watchers = new Map<string, Set<LiveListener>>()
  private watching = 0
  private seq = 0
  private readonly log: (LiveMessage | 'resync')[] = []
  /** When each logged item was delivered here (this process's clock). */
  private readonly times: number[] = []
  /** When the newest item that fell out of the log was delivered (-Infinity: none fell out). */
  private droppedAt = -Infinity
  /** Since when this process hears every other process's invalidations (undefined: it does not now). */
  private hearingSince: number | undefined
  private sole = false

  constructor(
    private readonly id: string,
    private readonly onError: (error: unknown, where: string) => void,
  ) {}

  get position(): string {
    return `${this.id}:${this.seq}`
  }

  private record(item: LiveMessage | 'resync'): string {
    this.seq++
    this.log.push(item)
    this.times.push(Date.now())
    if (this.log.length > LOG_SIZE) {
      const excess = this.log.length - LOG_SIZE
      this.droppedAt = this.times[excess - 1]!
      this.log.splice(0, excess)
      this.times.splice(0, excess)
    }
    return this.position
  }

  /** The bus confirmed this process's subscription to invalidations (`true`), or it was dropped. */
  hearing(on: boolean): void {
    if (!on) this.hearingSince = undefined
    else this.hearingSince ??= Date.now()
  }

  /**
   * This process has no bus: it is the only one, and its log starts with it. A read asked after
   * it started was answered by it, so the read → watch legs need no slack before that start
   * (otherwise every page loaded in a new process's first second would be refetched).
   */
  soleSince(): void {
    this.sole = true
    this.hearing(true)
  }

  /**
   * What was delivered in the last `age` ms (plus AGE_SLACK_MS): for a first watch whose bundle
   * was read `age` ms ago, before the socket could watch it. `undefined` when the log cannot
   * vouch for that window (it did not hear the bus for all of it, or it has forgotten part of it).
   */
  within(age: unknown): LiveHistory {
    if (typeof age !== 'number' || !Number.isFinite(age) || age < 0) return undefined
    const cutoff = Date.now() - age - AGE_SLACK_MS
    const heardFrom = this.sole ? cutoff + AGE_SLACK_MS : cutoff
    if (this.hearingSince === undefined || this.hearingSince > heardFrom || this.droppedAt >= cutoff) return undefined
    let first = this.times.length
    while (first > 0 && this.times[first - 1]! >= cutoff) first--
    return this.log.slice(first)
  }

  since(position: unknown): LiveHistory {
    if (typeof position !== 'string') return undefined
    const cut = position.lastIndexOf(':')
    const seq = Number(position.slice(cut + 1))
    if (cut < 0 || position.slice(0, cut) !== this.id || !Number.isInteger(seq) || seq < 0 || seq > this.seq) return undefined
    const missing = this.seq - seq
    return missing > this.log.length ? undefined : this.log.slice(this.log.length - missing)
  }

  /** `true` for the first watch of this process: the hub starts listening on the bus. */
  add(context: string, listener: LiveListener): boolean {
    let set = this.watchers.get(context)
    if (!set) this.watchers.set(context, (set = new Set()))
    if (set.has(listener)) return false
    set.add(listener)
    return this.watching++ === 0
  }

  /** `true` when this process watches nothing any more. */
  remove(context: string, listener: LiveListener): boolean {
    const set = this.watchers.get(context)
    if (!set?.delete(listener)) return false
    if (!set.size) this.watchers.delete(context)
    return --this.watching === 0
  }

  deliver(message: LiveMessage): void {
    const { invalidate: entries, origin, user } = message
    const position = this.record(message)
    const listeners = new Set<LiveListener>()
    for (const entry of entries) {
      const context = typeof entry === 'string' ? entry : 'context' in entry ? entry.context : undefined
      for (const listener of (context && this.watchers.get(context)) || []) listeners.add(listener)
    }
    for (const listener of listeners) {
      try {
        listener.invalidate(entries, origin, user, position)
      } catch (error) {
        this.onError(error, 'live invalidation')
      }
    }
  }

  /** Every listener once; returns how many. */
  resyncAll(): number {
    const position = this.record('resync')
    const listeners = new Set<LiveListener>()
    for (const set of this.watchers.values()) for (const listener of set) listeners.add(listener)
    for (const listener of listeners) {
      try {
        listener.resync(position)
      } catch (error) {
        this.onError(error, 'live resync')
      }
    }
    return listeners.size
  }

  /** Forget everyone; `true` if anyone was watching. */
  clear(): boolean {
    const was = this.watching > 0
    this.watchers.clear()
    this.watching = 0
    this.hearingSince = undefined
    return was
  }
}
