/**
 * Live invalidation must not echo a client's own mutations back at it. The server pushes a
 * mutation's entries to every socket watching the affected bundles, the mutating client's own
 * socket included, and it cannot tell which socket made an HTTP call. Without this filter the
 * mutating page refetches twice after `affects` (once for its response, once for the echo) and
 * refetches after a `merge`, whose point is to need no request.
 *
 * The client knows what it announced: each response of its own says which entries it changed.
 * Those become expected echoes (a multiset, each expiring after `windowMs`), and an incoming
 * frame's entries consume them instead of refetching. Frames that arrive while one of this
 * QueryClient's Mizan mutations is still pending (an echo can beat the HTTP response) wait
 * until it settles, at most `maxHoldMs`. A frame from someone else that lands in the same
 * moment with the same entry is still applied when our echo comes second; when it comes first,
 * our echo (arriving after) is applied in its place, so the bundle refetches either way.
 */
import type { QueryClient } from '@tanstack/react-query'
import { pythonStr } from '../../shared/invalidate-header.ts'
import type { InvalidateEntry, MergeEntry } from '../../shared/protocol.ts'

export interface OwnEffects {
  invalidate?: readonly InvalidateEntry[]
  merge?: readonly MergeEntry[]
}

const ownListeners = new WeakMap<QueryClient, Set<(effects: OwnEffects) => void>>()

/** Called with the invalidate/merge entries of every response this QueryClient's own calls received. */
export function onOwnEffects(queryClient: QueryClient, listener: (effects: OwnEffects) => void): () => void {
  let set = ownListeners.get(queryClient)
  if (!set) ownListeners.set(queryClient, (set = new Set()))
  set.add(listener)
  return () => set.delete(listener)
}

/** A response of this client's own call announced these entries (whether or not they are applied). */
export function reportOwnEffects(queryClient: QueryClient, effects: OwnEffects): void {
  const set = ownListeners.get(queryClient)
  if (!set?.size || (!effects.invalidate?.length && !effects.merge?.length)) return
  for (const listener of [...set]) listener(effects)
}

/** Params compared as the header spells them, so body (`1`) and header (`"1"`) entries meet. */
function paramsKey(params: Record<string, unknown> | undefined): string {
  const names = Object.keys(params ?? {}).sort()
  return JSON.stringify(names.map((name) => [name, pythonStr(params![name])]))
}

/** The key of an entry as a live frame carries it; function entries never travel live. */
export function liveEntryKey(entry: InvalidateEntry): string | undefined {
  if (typeof entry === 'string') return JSON.stringify([entry])
  if ('context' in entry) return JSON.stringify([entry.context, paramsKey(entry.params)])
  return undefined
}

/** The live entries the server derives from a response's effects (merges become scoped refetches). */
export function liveKeysOf(effects: OwnEffects): string[] {
  const keys = new Set<string>()
  for (const entry of effects.invalidate ?? []) {
    const key = liveEntryKey(entry)
    if (key) keys.add(key)
  }
  for (const merge of effects.merge ?? []) {
    const scoped = merge.params && Object.keys(merge.params).length
    keys.add(liveEntryKey(scoped ? { context: merge.context, params: merge.params! } : merge.context)!)
  }
  return [...keys]
}

export interface LiveEchoFilterOptions {
  /** Apply what is left of a frame (refetch). */
  apply(entries: InvalidateEntry[]): void
  /** Whether one of this client's own mutations is still waiting for its response. */
  busy(): boolean
  /** How long an announced entry waits for its echo (default 2 s). */
  windowMs?: number
  /** Longest a frame is held while a mutation is pending (default 3 s). */
  maxHoldMs?: number
}

export class LiveEchoFilter {
  private readonly expected = new Map<string, number[]>()
  private held: InvalidateEntry[][] = []
  private holdTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly options: LiveEchoFilterOptions) {}

  /** Entries one of our own responses announced: their echo is expected. */
  own(effects: OwnEffects): void {
    const now = Date.now()
    // Echoes that never came (nothing watched, a dropped socket) stop counting once expired.
    for (const [key, list] of this.expected) if (list[list.length - 1]! < now) this.expected.delete(key)
    const until = now + (this.options.windowMs ?? 2_000)
    for (const key of liveKeysOf(effects)) {
      const list = this.expected.get(key)
      if (list) list.push(until)
      else this.expected.set(key, [until])
    }
  }

  /** An invalidation frame from the server. */
  frame(entries: InvalidateEntry[]): void {
    if (!this.options.busy()) return this.deliver(entries)
    this.held.push(entries)
    this.holdTimer ??= setTimeout(() => this.release(), this.options.maxHoldMs ?? 3_000)
  }

  /** Call when a mutation settles: held frames go through once none is pending. */
  settled(): void {
    if (this.held.length && !this.options.busy()) this.release()
  }

  dispose(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer)
    this.holdTimer = undefined
    this.held = []
    this.expected.clear()
  }

  private release(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer)
    this.holdTimer = undefined
    const held = this.held
    this.held = []
    for (const entries of held) this.deliver(entries)
  }

  private deliver(entries: InvalidateEntry[]): void {
    const now = Date.now()
    const rest = entries.filter((entry) => {
      const key = liveEntryKey(entry)
      const list = key === undefined ? undefined : this.expected.get(key)
      if (!list) return true
      while (list.length && list[0]! < now) list.shift()
      const echo = list.shift() !== undefined
      if (!list.length) this.expected.delete(key!)
      return !echo
    })
    if (rest.length) this.options.apply(rest)
  }
}
