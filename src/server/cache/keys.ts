import { hmacSha256Hex } from '../sha256.ts'

export const CONTEXT_KEY_PREFIX = 'ctx:'

/** Python's `str()` of a param value as the reference normalizes it before hashing. */
function normalize(value: unknown): string {
  if (value === true) return 'true'
  if (value === false) return 'false'
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return value
  // JSON has one number type: an integral value is taken as a Python int (2.0 arrives as 2).
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : pythonFloat(value)
  // Python has one int type: a bigint param is its digits (JSON.stringify would throw on it).
  if (typeof value === 'bigint') return String(value)
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v))
}

/**
 * A value with its type, in one canonical spelling (object keys sorted): the default key mode's
 * bundle keys, where `null` and `"null"`, `1` and `"1"` are different reads. The Python mode keeps
 * the reference's `str()`, which cannot tell them apart.
 */
export function typedText(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'number') return normalize(value)
  if (typeof value !== 'object') return String(value)
  if (value instanceof Date) return `D${Number.isNaN(value.getTime()) ? 'NaN' : value.toISOString()}`
  if (Array.isArray(value)) return `[${value.map(typedText).join(',')}]`
  const record = value as Record<string, unknown>
  return `{${Object.keys(record)
    .sort(byCodePoint)
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${typedText(record[key])}`)
    .join(',')}}`
}

/**
 * A param value as generation keys compare it: its Python `str()` with object keys sorted and a
 * date as its ISO text, so a mutation's raw value and a read's parsed one meet whatever key
 * order or date type each has. Values that differ may share a generation: that only purges more.
 */
function generationText(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'NaN' : value.toISOString()
  if (typeof value === 'object' && value !== null) return typedText(value)
  return normalize(value)
}

function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  // Python's repr switches to exponent form at 1e16; JS at 1e21.
  return Math.abs(value) >= 1e16 ? value.toExponential() : String(value)
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** `json.dumps(..., ensure_ascii=True)`: everything outside printable ASCII becomes `\uXXXX`. */
export function pythonAsciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'))
}

/** The exact message the reference HMACs: sorted keys, compact separators, ASCII-escaped. */
export function cacheKeyMessage(context: string, params: Record<string, unknown>, userId: string | null, rev: number): string {
  const p: Record<string, string> = {}
  for (const key of Object.keys(params).sort(byCodePoint)) p[key] = normalize(params[key])
  const data: Record<string, unknown> = { c: context, p, r: rev }
  if (userId !== null) data['u'] = String(userId)
  return pythonAsciiJson(data)
}

/** `ctx:<context>:<hex HMAC-SHA256>`, byte-identical to izana-core's `derive_cache_key`. */
export function deriveCacheKey(secret: string, context: string, params: Record<string, unknown>, userId: string | null = null, rev = 0): string {
  const mac = hmacSha256Hex(secret, cacheKeyMessage(context, params, userId, rev))
  return `${CONTEXT_KEY_PREFIX}${context}:${mac}`
}

export function contextKeyPrefix(context: string): string {
  return `${CONTEXT_KEY_PREFIX}${context}:`
}

/*
 * The default ('mizan') key mode. Every key of a context carries the hash tag `{ctx:<name>}`,
 * so on Redis Cluster one context lives in one slot: a read's generations and bundle come back
 * in one MGET, and a purge writes one slot.
 *
 *   {ctx:board}:g                  the context's generation (a broad purge replaces it)
 *   {ctx:board}:g:board_id=1       the generation of one param value (a scoped purge replaces it)
 *   {ctx:board}:g:page             the generation of "param not given"
 *   {ctx:me}:g@u42                 a user-scoped context's generation of one user (`scope: 'user'`)
 *   {ctx:board}:b:<HMAC>           the bundle of (params, user, rev), stamped with the generations it was read under
 */

export function contextTag(context: string): string {
  return `{ctx:${context}}`
}

const PLAIN = /^[\w.@+-]{0,64}$/

/** A readable key part when the text is short and plain; a digest otherwise, so a long value cannot make a long key. */
function keyPart(secret: string, text: string): string {
  return PLAIN.test(text) ? text : '#' + hmacSha256Hex(secret, text).slice(0, 32)
}

export function contextGenerationKey(context: string): string {
  return `${contextTag(context)}:g`
}

/**
 * `value` undefined or null: the generation of reads that did not give the param (or gave null,
 * commonly "any"): a scoped purge of any value of it reaches them.
 */
export function paramGenerationKey(secret: string, context: string, param: string, value: unknown): string {
  const name = keyPart(secret, param)
  return value === undefined || value === null ? `${contextTag(context)}:g:${name}` : `${contextTag(context)}:g:${name}=${keyPart(secret, generationText(value))}`
}

/** A user-scoped context's generation of one reader (`@` keeps it apart from param names); anonymous readers share one. */
export function userGenerationKey(secret: string, context: string, userId: string | null): string {
  return `${contextTag(context)}:g@${userId === null ? '-' : keyPart(secret, `u${userId}`)}`
}

/** Python's `str()` of a value, as scoped purges and reads compare param values. */
export function normalizedParam(value: unknown): string {
  return normalize(value)
}

export function bundleKey(secret: string, context: string, params: Record<string, unknown>, userId: string | null, rev: number): string {
  return bundleKeyOf(secret, context, cacheKeyMessage(context, params, userId, rev))
}

/** `bundleKey` from the message `cacheKeyMessage` made. */
export function bundleKeyOf(secret: string, context: string, message: string): string {
  return `${contextTag(context)}:b:${hmacSha256Hex(secret, message)}`
}
