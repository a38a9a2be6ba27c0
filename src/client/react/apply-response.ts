import type { QueryClient } from '@tanstack/react-query'
import type { InvalidateEntry, MergeEntry } from '../../shared/protocol.ts'
import type { WireBundle } from '../types.ts'
import { matchesContext, matchesEntry } from './query-keys.ts'

export interface MizanResponseEffects {
  invalidate?: readonly InvalidateEntry[]
  merge?: readonly MergeEntry[]
}

function idOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined
}

/** `bundle[slot] = value`, or an upsert by `id` when the slot is a list and the value one item. */
export function mergeIntoBundle(bundle: WireBundle, entry: MergeEntry): WireBundle {
  const current = bundle[entry.slot]
  if (!Array.isArray(current) || Array.isArray(entry.value)) return { ...bundle, [entry.slot]: entry.value }
  const id = idOf(entry.value)
  const index = id === undefined ? -1 : current.findIndex((item) => idOf(item) !== undefined && String(idOf(item)) === String(id))
  const next = index < 0 ? [...current, entry.value] : current.map((item, i) => (i === index ? entry.value : item))
  return { ...bundle, [entry.slot]: next }
}

/**
 * Apply what a call's response says about the cache: merges write into matching bundles at
 * once (no request), then invalidations refetch what is on screen and mark the rest stale.
 * Resolves when those refetches settle, so `await`ing it means the UI data is fresh.
 */
export async function applyMizanResponse(queryClient: QueryClient, effects: MizanResponseEffects): Promise<void> {
  for (const entry of effects.merge ?? []) {
    queryClient.setQueriesData<WireBundle>({ predicate: matchesContext(entry.context, entry.params) }, (bundle) =>
      bundle === undefined ? undefined : mergeIntoBundle(bundle, entry),
    )
  }
  await Promise.all((effects.invalidate ?? []).map((entry) => queryClient.invalidateQueries({ predicate: matchesEntry(entry) })))
}
