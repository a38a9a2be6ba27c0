/**
 * `mizan-ts/client/superjson`: rich types (Date, Map, Set, BigInt, …) over JSON, opt-in:
 *
 * ```ts
 * import superjson from 'superjson'
 * import { superjsonTransformer } from 'mizan-ts/client/superjson'
 * const client = createMizanClient<AppRouter>({ transformer: superjsonTransformer(superjson) })
 * ```
 *
 * Calls send their arguments as `{args: json, meta}` and every request asks for metadata
 * (`X-Mizan-Superjson: 1`); results come back with `meta` in the body (or the socket frame),
 * context bundles with it in `X-Mizan-Superjson-Meta`. The server must speak superjson too.
 */
import { SUPERJSON_HEADER } from '../shared/protocol.ts'
import { invalidResponse } from './errors.ts'
import type { MizanTransformer } from './options.ts'

/** `superjson` itself, or a `SuperJSON` instance with your own registered types. */
export interface SuperjsonLike {
  serialize(value: unknown): { json: unknown; meta?: unknown }
  deserialize(payload: { json: unknown; meta?: unknown }): unknown
}

export function superjsonTransformer(codec: SuperjsonLike): MizanTransformer {
  return {
    headers: { [SUPERJSON_HEADER]: '1' },
    encode(value) {
      const { json, meta } = codec.serialize(value)
      return meta === undefined ? { args: json } : { args: json, meta }
    },
    decode(json, meta, response) {
      const header = meta === undefined ? response?.headers.get(`${SUPERJSON_HEADER}-Meta`) : undefined
      try {
        const found = header ? (JSON.parse(header) as unknown) : meta
        return found === undefined ? json : codec.deserialize({ json, meta: found })
      } catch (error) {
        throw invalidResponse(response?.status ?? 200, 'Unreadable superjson metadata', error)
      }
    },
  }
}
