import type { InvalidateEntry, WireParams } from './protocol.ts'

// Python's urllib.parse.quote(str(v), safe='') leaves only these unescaped.
const UNRESERVED = /[A-Za-z0-9_.~-]/

/** Percent-encode like Python's `quote(value, safe='')`: UTF-8 bytes, unreserved kept. */
export function quotePython(value: string): string {
  let out = ''
  for (const char of value) {
    if (UNRESERVED.test(char)) {
      out += char
      continue
    }
    for (const byte of new TextEncoder().encode(char)) {
      out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
    }
  }
  return out
}

/** Python's str() of a JSON-ish value, as the reference applies it to header params. */
export function pythonStr(value: unknown): string {
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (value == null) return 'None'
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : value === Infinity ? 'inf' : value === -Infinity ? '-inf' : String(value)
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function sortedEntries(params: WireParams): [string, unknown][] {
  // Python sorts str keys by code point; JS default sort compares UTF-16 units, which
  // agrees for the BMP keys that function parameter names are.
  return Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

function formatEntry(entry: InvalidateEntry): string {
  if (typeof entry === 'string') return entry
  const name = 'context' in entry ? entry.context : `fn:${entry.function}`
  const params = entry.params ?? {}
  const parts = sortedEntries(params).map(([k, v]) => `${quotePython(k)}=${quotePython(pythonStr(v))}`)
  return parts.length ? `${name};${parts.join(';')}` : name
}

/** Serialize invalidate entries for the `X-…-Invalidate` header, byte-compatible with the reference. */
export function formatInvalidateHeader(entries: readonly InvalidateEntry[]): string {
  return entries.map(formatEntry).join(', ')
}

/**
 * Parse an invalidate header back into entries. Param values come back as strings:
 * the header carries no types.
 */
export function parseInvalidateHeader(header: string): InvalidateEntry[] {
  return header
    .split(',')
    .filter((part) => part.trim())
    .map((part) => {
      const [head = '', ...pairs] = part.trim().split(';')
      const params: Record<string, string> = {}
      for (const pair of pairs) {
        const eq = pair.indexOf('=')
        if (eq > 0) params[safeDecode(pair.slice(0, eq))] = safeDecode(pair.slice(eq + 1))
      }
      const scope = Object.keys(params).length ? { params } : undefined
      return head.startsWith('fn:') ? { function: head.slice(3), ...scope } : scope ? { context: head, ...scope } : head
    })
}

/** `decodeURIComponent`, keeping text that is not valid percent-encoding as it is. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
