import type { QueryClient } from '@tanstack/react-query'
import type { InvalidateEntry, MergeEntry } from '../../shared/protocol.ts'
import type { WireBundle } from '../types.ts'
import { matches, matchesEntry } from './query-keys.ts'

export interface MizanResponseEffects {
  invalidate?: readonly InvalidateEntry[]
  merge?: readonly MergeEntry[]
}

const idOf = (value: unknown): string | undefined => {
  const id = (value as { id?: unknown } | null)?.id
  return id === undefined ? id : String(id)
}

/** `bundle[slot] = value`, or an upsert by `id` when the slot is a list and the value one item. */
export function mergeIntoBundle(bundle: WireBundle, { slot, value }: MergeEntry): WireBundle {
  const current = bundle[slot]
  const id = idOf(value)
  let next = value
  if (Array.isArray(current) && !Array.isArray(value)) {
    const index = id === undefined ? -1 : current.findIndex((item) => idOf(item) === id)
    next = index < 0 ? [...current, value] : current.map((item, i) => (i === index ? value : item))
  }
  return { ...bundle, [slot]: next }
}

/**
 * Apply what a call's response says about the cache: merges write into matching bundles at
 * once (no request), then invalidations refetch what is on screen and mark the rest stale.
 * Resolves when those refetches settle, so `await`ing it means the UI data is fresh.
 */
export async function applyMizanResponse(queryClient: QueryClient, { merge = [], invalidate = [] }: MizanResponseEffects): Promise<void> {
  for (const entry of merge) {
    queryClient.setQueriesData<WireBundle>({ predicate: matches('ctx', entry.context, entry.params) }, (bundle) => bundle && mergeIntoBundle(bundle, entry))
  }
  await Promise.all(invalidate.map((entry) => queryClient.invalidateQueries({ predicate: matchesEntry(entry) })))
}
