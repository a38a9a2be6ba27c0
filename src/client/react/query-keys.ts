import { pythonStr } from '../../shared/invalidate-header.ts'
import type { InvalidateEntry, WireParams } from '../../shared/protocol.ts'

export type ContextQueryKey = readonly ['mizan', 'ctx', string, WireParams]
export type CallQueryKey = readonly ['mizan', 'call', string, WireParams]

/**
 * Params in a stable shape: keys sorted, `undefined` dropped (the URL drops it too, so
 * `{ id: 1, q: undefined }` and `{ id: 1 }` are the same bundle and must share a cache entry).
 */
export function sortedParams(params: unknown): WireParams {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return {}
  const out: WireParams = {}
  for (const name of Object.keys(params).sort()) {
    const value = (params as WireParams)[name]
    if (value !== undefined) out[name] = value
  }
  return out
}

export function contextQueryKey(name: string, params?: unknown): ContextQueryKey {
  return ['mizan', 'ctx', name, sortedParams(params)]
}

export function callQueryKey(wireName: string, args?: unknown): CallQueryKey {
  return ['mizan', 'call', wireName, sortedParams(args)]
}

/**
 * Header params arrive as Python `str()` text (`True`, `2`), body params as JSON values; both
 * spellings are tried so either source matches the typed params in the cache.
 */
function sameValue(cached: unknown, wanted: unknown): boolean {
  return String(cached) === String(wanted) || pythonStr(cached) === pythonStr(wanted)
}

/** Every param of the entry is present in the cached params, with the same value. */
export function paramsMatch(wanted: WireParams | undefined, cached: unknown): boolean {
  if (!wanted) return true
  const have = typeof cached === 'object' && cached !== null ? (cached as WireParams) : {}
  return Object.entries(wanted).every(([name, value]) => Object.prototype.hasOwnProperty.call(have, name) && sameValue(have[name], value))
}

type KeyedQuery = { queryKey: readonly unknown[] }

export function matchesContext(context: string, params?: WireParams): (query: KeyedQuery) => boolean {
  return ({ queryKey: key }) => key[0] === 'mizan' && key[1] === 'ctx' && key[2] === context && paramsMatch(params, key[3])
}

export function matchesCall(wireName: string, params?: WireParams): (query: KeyedQuery) => boolean {
  return ({ queryKey: key }) => key[0] === 'mizan' && key[1] === 'call' && key[2] === wireName && paramsMatch(params, key[3])
}

/** The cached queries an invalidate entry targets (docs/ARCHITECTURE.md, "Invalidation and merge"). */
export function matchesEntry(entry: InvalidateEntry): (query: KeyedQuery) => boolean {
  if (typeof entry === 'string') return matchesContext(entry)
  if ('context' in entry) return matchesContext(entry.context, entry.params)
  return matchesCall(entry.function, entry.params)
}
