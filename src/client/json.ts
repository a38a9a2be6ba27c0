/**
 * The kernel's JSON: plain JSON.parse/stringify, guarded so that without the exact-json plug-in
 * an integer beyond 2^53 is refused with a clear error, never silently rounded (issue #28). The
 * exact codec itself is `mizan-ts/client/exact-json`, opt-in, so it reaches only the bundles
 * that use it; this guard is what every bundle carries, hence its terse code.
 */
import { clientError } from './errors.ts'

/** How a client reads and writes JSON bodies and socket frames (the `json` option). */
export interface JsonCodec {
  parse(text: string): unknown
  stringify(value: unknown): string
}

export const NEEDS_EXACT_JSON = 'Mizan: an integer beyond 2^53 needs { json: exactJson } from mizan-ts/client/exact-json'

/** Whether a plainly parsed value holds an integer JSON.parse may have rounded. */
const lossy = (value: unknown): boolean =>
  typeof value === 'object' && value !== null ? Object.values(value).some(lossy) : Number.isInteger(value) && !Number.isSafeInteger(value)

/**
 * Only a text with a run of 16+ digits can hold such an integer, so only such a text is walked.
 * (A linear pattern with no nested quantifier: one pass, no backtracking blow-up.)
 */
export const mayBeLossy = (text: string, value: unknown): boolean => /\d{16}/.test(text) && lossy(value)

export const plainJson: JsonCodec = {
  parse(text) {
    const value: unknown = JSON.parse(text)
    if (mayBeLossy(text, value)) throw clientError('INVALID_RESPONSE', NEEDS_EXACT_JSON)
    return value
  },
  stringify(value) {
    try {
      return JSON.stringify(value)
    } catch (error) {
      // Every engine names BigInt in this TypeError; any other (a cycle) is rethrown as it is.
      throw /bigint/i.test(String(error)) ? clientError('BAD_REQUEST', NEEDS_EXACT_JSON, 0, error) : error
    }
  },
}
