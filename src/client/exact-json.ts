/**
 * `mizan-ts/client/exact-json`: integers beyond 2^53 kept exact, opt-in (issue #28):
 *
 * ```ts
 * import { exactJson } from 'mizan-ts/client/exact-json'
 * const client = createMizanClient<AppRouter>({ json: exactJson })
 * ```
 *
 * Such integers arrive as `bigint`s (safe integers and floats stay numbers), and `bigint`
 * arguments go out as exact integer literals, over HTTP and the socket alike. Without it the
 * kernel refuses such an answer or argument with a clear error instead of rounding it.
 */
import { mayHoldBigIntegers, parseJsonExact, stringifyJson } from '../shared/exact-json.ts'
import type { JsonCodec } from './json.ts'

export type { JsonCodec } from './json.ts'

export const exactJson: JsonCodec = {
  parse: (text) => (mayHoldBigIntegers(text) ? parseJsonExact(text) : JSON.parse(text)),
  stringify: stringifyJson,
}
