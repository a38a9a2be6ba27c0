/**
 * Live invalidations into refetches, coalesced per cached bundle: the first invalidation after a
 * quiet spell refetches at once; those arriving while that refetch runs, or within `coalesceMs`
 * of its start, collapse into one more refetch, started after it. The last refetch always starts
 * after the last invalidation, so what stays on screen is what the server had then.
 */
import type { Query, QueryClient } from '@tanstack/react-query'
import type { InvalidateEntry } from '../../shared/protocol.ts'
import { matchesEntry } from './query-keys.ts'

export interface LiveInvalidationOptions {
  /** Shortest time between two refetches of one bundle caused by live invalidations (default 300 ms; 0: only never two at once). */
  coalesceMs?: number
}

export const DEFAULT_COALESCE_MS = 300

interface BundleState {
  running: boolean
  /** Invalidated again since the running refetch started. */
  dirty: boolean
  timer: ReturnType<typeof setTimeout> | undefined
  lastStart: number
}

export class LiveRefetcher {
  private readonly bundles = new Map<string, BundleState>()
  private readonly windowMs: number
  private disposed = false

  constructor(
    private readonly queryClient: QueryClient,
    options: LiveInvalidationOptions = {},
  ) {
    this.windowMs = Math.max(0, options.coalesceMs ?? DEFAULT_COALESCE_MS)
  }

  invalidate(entries: readonly InvalidateEntry[]): void {
    const seen = new Set<string>()
    for (const entry of entries) {
      for (const query of this.queryClient.getQueryCache().findAll({ predicate: matchesEntry(entry) })) {
        if (!seen.has(query.queryHash)) {
          seen.add(query.queryHash)
          this.schedule(query)
        }
      }
    }
  }

  private schedule(query: Query): void {
    // Stale at once: a copy that is not on screen refetches when it is shown again.
    void this.queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true, refetchType: 'none' })
    let state = this.bundles.get(query.queryHash)
    if (!state) this.bundles.set(query.queryHash, (state = { running: false, dirty: false, timer: undefined, lastStart: -Infinity }))
    if (state.running || state.timer) {
      state.dirty = state.running
      return
    }
    const wait = state.lastStart + this.windowMs - Date.now()
    if (wait <= 0) return void this.run(query, state)
    state.timer = setTimeout(() => {
      state.timer = undefined
      void this.run(query, state)
    }, wait)
  }

  private async run(query: Query, state: BundleState): Promise<void> {
    if (this.disposed) return
    state.running = true
    state.dirty = false
    state.lastStart = Date.now()
    try {
      // Cancels a fetch someone else started before this invalidation: its answer may predate the change.
      await this.queryClient.refetchQueries({ queryKey: query.queryKey, exact: true, type: 'active' })
    } finally {
      state.running = false
    }
    if (state.dirty) this.schedule(query)
  }

  dispose(): void {
    this.disposed = true
    for (const state of this.bundles.values()) if (state.timer) clearTimeout(state.timer)
    this.bundles.clear()
  }
}
