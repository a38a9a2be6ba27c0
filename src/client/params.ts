import type { WireParams } from '../shared/protocol.ts'

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Params in a stable shape: keys sorted, `undefined` dropped (the URL drops it too, so
 * `{ id: 1, q: undefined }` and `{ id: 1 }` are the same bundle and must share a cache entry).
 */
export function sortedParams(params: unknown): WireParams {
  const out: WireParams = {}
  if (isRecord(params)) for (const name of Object.keys(params).sort()) if (params[name] !== undefined) out[name] = params[name]
  return out
}
