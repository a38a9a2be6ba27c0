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

/** A socket that watches contexts, as the hub sees it. */
export interface LiveListener {
  invalidate(entries: readonly InvalidateEntry[], origin?: string, user?: string | null): void
  /** Updates may have been missed (the bus was down): treat everything watched as invalidated. */
  resync(): void
}

/** The user an invalidation is attributed to, as a string (ids `1` and `'1'` are one user). */
export function userKey(user: MizanUser | null | undefined): string | null | undefined {
  if (user === undefined) return undefined
  return user && user.id !== '' ? String(user.id) : null
}

export class LiveRegistry {
  private readonly watchers = new Map<string, Set<LiveListener>>()
  private watching = 0

  constructor(private readonly onError: (error: unknown, where: string) => void) {}

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

  deliver({ invalidate: entries, origin, user }: LiveMessage): void {
    const listeners = new Set<LiveListener>()
    for (const entry of entries) {
      const context = typeof entry === 'string' ? entry : 'context' in entry ? entry.context : undefined
      for (const listener of (context && this.watchers.get(context)) || []) listeners.add(listener)
    }
    for (const listener of listeners) {
      try {
        listener.invalidate(entries, origin, user)
      } catch (error) {
        this.onError(error, 'live invalidation')
      }
    }
  }

  /** Every listener once; returns how many. */
  resyncAll(): number {
    const listeners = new Set<LiveListener>()
    for (const set of this.watchers.values()) for (const listener of set) listeners.add(listener)
    for (const listener of listeners) {
      try {
        listener.resync()
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
    return was
  }
}
