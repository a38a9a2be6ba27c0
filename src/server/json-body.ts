import { MizanError } from '../shared/errors.ts'
import { mayHoldBigIntegers, parseJsonExact } from '../shared/exact-json.ts'

// Web-standard, so the fetch adapter runs on Workers too. `fatal` refuses malformed UTF-8 instead
// of silently replacing it; `ignoreBOM` keeps a leading U+FEFF (JSON.parse then refuses it),
// as Buffer#toString did before.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Bytes off the wire → text, refusing malformed UTF-8 instead of silently replacing it. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    throw new MizanError('BAD_REQUEST', 'Request body is not valid UTF-8')
  }
}

/** Deepest bracket nesting of a JSON text, ignoring brackets inside strings; stops early past `limit`. */
function nestingDepth(text: string, limit: number): number {
  // Depth never exceeds the number of opening brackets; counting them is a native search, so
  // the character-by-character walk runs only for texts that could be too deep.
  if (openingBrackets(text, limit) <= limit) return 0
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
      continue
    }
    if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth
      if (max > limit) return max
    } else if (c === 125 || c === 93) depth--
  }
  return max
}

// Called through `.call`: as `text.indexOf`, V8's optimized code looked the method up through
// its generic load stub on every call (seen under callgrind), which cost as much as the search.
const indexOf = String.prototype.indexOf

/** Opening brackets in the text (inside strings too), counted up to just past `limit`. */
function openingBrackets(text: string, limit: number): number {
  let count = 0
  for (let i = indexOf.call(text, '{'); i !== -1 && count <= limit; i = indexOf.call(text, '{', i + 1)) count++
  for (let i = indexOf.call(text, '['); i !== -1 && count <= limit; i = indexOf.call(text, '[', i + 1)) count++
  return count
}

/**
 * JSON.parse with a nesting limit: a hostile `[[[[…` must be a clean 400, not a stack
 * overflow in the validator further down.
 */
export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (nestingDepth(text, maxDepth) > maxDepth) throw new MizanError('BAD_REQUEST', `JSON nested deeper than ${maxDepth} levels`)
  try {
    // Integers beyond 2^53 stay exact (bigint), as a Python peer sent them.
    return mayHoldBigIntegers(text) ? parseJsonExact(text) : JSON.parse(text)
  } catch {
    throw new MizanError('BAD_REQUEST', 'Invalid JSON in request body')
  }
}
