/**
 * JSON with integers beyond 2^53 kept exact, as a Python peer writes and reads them. Node 20's
 * JSON.parse has no source text for a reviver, so integer literals past the safe range are
 * quoted with a per-process marker first and turned into bigints on the way out; every other
 * value parses as JSON.parse parses it. Hand-written scanners, no regular expressions.
 */

// Unguessable, so no string a peer sends can pass for one (JSON strings may not hold raw controls).
// Made on first use, not at load: Cloudflare Workers refuse random values in global scope.
let markText: string | undefined
const mark = (): string => (markText ??= `~mizan-int-${Array.from(globalThis.crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('')}:`)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

export { mayHoldBigIntegers } from './may-hold-big-integers.ts'

const isDigit = (c: number) => c >= 0x30 && c <= 0x39

/** The end of the number token at `start` (a `-` or a digit), and whether it is a plain integer. */
function numberToken(text: string, start: number): { end: number; integer: boolean } {
  let i = start
  if (text.charCodeAt(i) === 0x2d) i++
  while (i < text.length && isDigit(text.charCodeAt(i))) i++
  let integer = true
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) {
      if (!isDigit(c)) integer = false
      i++
    } else break
  }
  return { end: i, integer }
}

/**
 * JSON.parse, except that an integer literal outside ±(2^53 − 1) becomes an exact bigint
 * (safe integers and every float stay numbers). Throws SyntaxError as JSON.parse does.
 */
export function parseJsonExact(text: string): unknown {
  let out = ''
  let last = 0
  let marked = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++
      continue
    }
    if (c !== 0x2d && !isDigit(c)) continue
    const { end, integer } = numberToken(text, i)
    if (integer && end - i >= 16 && isDigit(text.charCodeAt(end - 1))) {
      const literal = text.slice(i, end)
      const value = BigInt(literal)
      if (value > MAX_SAFE || value < -MAX_SAFE) {
        out += text.slice(last, i) + `"${mark()}${literal}"`
        last = end
        marked = true
      }
    }
    i = end - 1
  }
  if (!marked) return JSON.parse(text)
  return JSON.parse(out + text.slice(last), (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(mark()) ? BigInt(value.slice(mark().length)) : value,
  )
}

/**
 * JSON.stringify that writes a bigint as its integer literal (JSON.stringify throws on one).
 * Values without bigints take JSON.stringify's own path; only a throw takes the slow one.
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
  }
  let found = false
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'bigint') return v
    found = true
    return `${mark()}${v.toString()}`
  })
  if (!found) return text
  // Each marker went out as a JSON string: `"~mizan-int-…:<digits>"`; put the digits back bare.
  const quoted = JSON.stringify(mark()).slice(0, -1)
  let out = ''
  let from = 0
  for (let at = text.indexOf(quoted); at !== -1; at = text.indexOf(quoted, from)) {
    const digitsStart = at + quoted.length
    const close = text.indexOf('"', digitsStart)
    out += text.slice(from, at) + text.slice(digitsStart, close)
    from = close + 1
  }
  return out + text.slice(from)
}
