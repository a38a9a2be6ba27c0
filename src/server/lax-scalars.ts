/**
 * Pydantic's lax mode (pydantic-core 2.x, python mode) for the scalar types we support, read
 * off the reference's behaviour and checked against the real Pydantic by
 * test/interop/pydantic-coercion.test.ts. Hand-written scanners, no regular expressions: each
 * runs in one pass over its input.
 */

/** Rust's `str::trim` (Unicode White_Space), which pydantic-core applies; not JS `trim` (no U+FEFF, adds U+0085). */
function isWhiteSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  )
}

function trimUnicode(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && isWhiteSpace(s.charCodeAt(start))) start++
  while (end > start && isWhiteSpace(s.charCodeAt(end - 1))) end--
  return start === 0 && end === s.length ? s : s.slice(start, end)
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39
const UNDERSCORE = 0x5f

/** Python's `int()` digit rules (PEP 515): ASCII digits, single underscores only between digits. */
function scanIntDigits(s: string, from: number, to: number): string | undefined {
  if (from >= to) return undefined
  let digits = ''
  let prevDigit = false
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (isDigit(c)) {
      digits += s[i]
      prevDigit = true
    } else if (c === UNDERSCORE && prevDigit && i + 1 < to && isDigit(s.charCodeAt(i + 1))) {
      prevDigit = false
    } else {
      return undefined
    }
  }
  return digits
}

/** Python refuses integer strings of more than 4300 significant digits (`sys.int_max_str_digits`). */
const MAX_INT_DIGITS = 4300

/**
 * A string as Pydantic reads it into `int`: trimmed, an optional sign, PEP 515 digits, and an
 * optional `.000` tail. Exact: a number when it is a safe integer, a bigint beyond.
 */
export function parseLaxInt(raw: string): number | bigint | undefined {
  const s = trimUnicode(raw)
  let end = s.length
  const dot = s.indexOf('.')
  if (dot !== -1) {
    if (dot === end - 1) return undefined
    for (let i = dot + 1; i < end; i++) if (s.charCodeAt(i) !== 0x30) return undefined
    end = dot
  }
  let from = 0
  const first = s.charCodeAt(0)
  const negative = first === 0x2d
  if (negative || first === 0x2b) from = 1
  const digits = scanIntDigits(s, from, end)
  if (digits === undefined) return undefined
  let lead = 0
  while (lead < digits.length - 1 && digits.charCodeAt(lead) === 0x30) lead++
  const significant = digits.length - lead
  if (significant > MAX_INT_DIGITS) return undefined
  if (significant <= 15) {
    const n = Number(digits)
    return negative && n !== 0 ? -n : n
  }
  const big = BigInt(digits)
  const value = negative ? -big : big
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

/** Rust's `f64::from_str` grammar after the underscores are gone: digits, one dot, an exponent. */
function isRustFloat(s: string): boolean {
  let i = 0
  const n = s.length
  if (i < n && (s[i] === '+' || s[i] === '-')) i++
  let mantissaDigits = 0
  while (i < n && isDigit(s.charCodeAt(i))) (i++, mantissaDigits++)
  if (i < n && s[i] === '.') {
    i++
    while (i < n && isDigit(s.charCodeAt(i))) (i++, mantissaDigits++)
  }
  if (mantissaDigits === 0) return false
  if (i < n && (s[i] === 'e' || s[i] === 'E')) {
    i++
    if (i < n && (s[i] === '+' || s[i] === '-')) i++
    let expDigits = 0
    while (i < n && isDigit(s.charCodeAt(i))) (i++, expDigits++)
    if (expDigits === 0) return false
  }
  return i === n
}

const SPECIAL_FLOATS: Record<string, number> = { inf: Infinity, infinity: Infinity, nan: NaN }

/** Rust's `f64::from_str`: a decimal, or `inf` / `infinity` / `nan` in any case, signed. */
function rustF64(s: string): number | undefined {
  const sign = s[0] === '-' ? -1 : 1
  const unsigned = s[0] === '-' || s[0] === '+' ? s.slice(1) : s
  if (unsigned.length <= 8) {
    const word = unsigned.toLowerCase()
    if (Object.hasOwn(SPECIAL_FLOATS, word)) return sign * SPECIAL_FLOATS[word]!
  }
  return isRustFloat(s) ? Number(s) : undefined
}

/**
 * A string as Pydantic reads it into `float`: trimmed and parsed; failing that, with its
 * underscores dropped (none at either end, never two in a row) but then not trimmed.
 */
export function parseLaxFloat(raw: string): number | undefined {
  const direct = rustF64(trimUnicode(raw))
  if (direct !== undefined || raw.indexOf('_') === -1) return direct
  if (raw.charCodeAt(0) === UNDERSCORE || raw.charCodeAt(raw.length - 1) === UNDERSCORE || raw.indexOf('__') !== -1) return undefined
  return rustF64(raw.split('_').join(''))
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 't', 'y'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'f', 'n'])

/** A string as Pydantic reads it into `bool`: the twelve words in any case, nothing trimmed. */
export function parseLaxBool(raw: string): boolean | undefined {
  if (raw.length > 5) return undefined
  const lower = raw.toLowerCase()
  if (TRUE_WORDS.has(lower)) return true
  if (FALSE_WORDS.has(lower)) return false
  return undefined
}

/** The scalar kinds lax coercion knows; `bigint` is an integer the schema wants exact at any size. */
export type LaxScalarKind = 'integer' | 'number' | 'boolean' | 'string' | 'bigint'

/** Marks "Pydantic would refuse this value": the caller leaves the value for the schema to reject. */
export const REFUSED: unique symbol = Symbol('refused')

const TWO_63 = 2 ** 63

/**
 * One value as Pydantic's lax mode reads it into the kind, or `REFUSED`. A value already of the
 * kind comes back as is (the schema checks ranges).
 */
export function laxScalar(kind: LaxScalarKind, value: unknown): unknown {
  switch (kind) {
    case 'integer':
    case 'bigint': {
      let n: number | bigint | undefined
      if (typeof value === 'string') n = parseLaxInt(value)
      else if (typeof value === 'boolean') n = value ? 1 : 0
      else if (typeof value === 'bigint') n = value
      else if (typeof value === 'number') n = Number.isInteger(value) && Math.abs(value) < TWO_63 ? value : undefined
      if (n === undefined) return REFUSED
      if (kind === 'bigint') return typeof n === 'bigint' ? n : BigInt(n)
      return n
    }
    case 'number':
      if (typeof value === 'number') return value
      if (typeof value === 'string') return parseLaxFloat(value) ?? REFUSED
      if (typeof value === 'boolean') return value ? 1 : 0
      if (typeof value === 'bigint') return Number(value)
      return REFUSED
    case 'boolean':
      if (typeof value === 'boolean') return value
      if (typeof value === 'string') return parseLaxBool(value) ?? REFUSED
      if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : REFUSED
      return REFUSED
    case 'string':
      return typeof value === 'string' ? value : REFUSED
  }
}
