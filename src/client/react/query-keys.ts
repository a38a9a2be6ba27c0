import { pythonStr } from '../../shared/invalidate-header.ts'
import type { InvalidateEntry, WireParams } from '../../shared/protocol.ts'
import { sortedParams } from '../params.ts'

export type ContextQueryKey = readonly ['mizan', 'ctx', string, WireParams]
export type CallQueryKey = readonly ['mizan', 'call', string, WireParams]

export { sortedParams }

export function contextQueryKey(name: string, params?: unknown): ContextQueryKey {
  return ['mizan', 'ctx', name, sortedParams(params)]
}

export function callQueryKey(wireName: string, args?: unknown): CallQueryKey {
  return ['mizan', 'call', wireName, sortedParams(args)]
}

/**
 * Every param of the entry is present in the cached params, with the same value. Header params
 * arrive as Python `str()` text (`True`, `2`), body params as JSON values; both spellings are
 * tried so either source matches the typed params in the cache.
 */
export function paramsMatch(wanted: WireParams | undefined, cached: unknown): boolean {
  const have = (cached ?? {}) as WireParams
  return Object.entries(wanted ?? {}).every(
    ([name, value]) => Object.hasOwn(have, name) && (String(have[name]) === String(value) || pythonStr(have[name]) === pythonStr(value)),
  )
}

type KeyedQuery = { queryKey: readonly unknown[] }

export function matches(kind: 'ctx' | 'call', name: string, params?: WireParams): (query: KeyedQuery) => boolean {
  return ({ queryKey: key }) => key[0] === 'mizan' && key[1] === kind && key[2] === name && paramsMatch(params, key[3])
}

/** The cached queries an invalidate entry targets (docs/ARCHITECTURE.md, "Invalidation and merge"). */
export function matchesEntry(entry: InvalidateEntry): (query: KeyedQuery) => boolean {
  if (typeof entry === 'string') return matches('ctx', entry)
  return 'context' in entry ? matches('ctx', entry.context, entry.params) : matches('call', entry.function, entry.params)
}
