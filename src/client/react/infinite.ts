/**
 * `mizan-ts/react/infinite`: pages of a function whose input has a `cursor`, as a plug-in:
 *
 * ```ts
 * import { infinite } from 'mizan-ts/react/infinite'
 * const mizan = createMizanReact<AppRouter>({ use: [infinite] })
 * const pages = mizan.useListTodosInfinite({ limit: 20 }, { getNextPageParam: (last) => last.next })
 * useInfiniteQuery(mizan.infiniteQueryOptions('listTodos', { limit: 20 }, { getNextPageParam: (last) => last.next }))
 * ```
 */
import { createNaming } from '../wire-names.ts'
import { createInfiniteHook, infiniteCallQuery, type InfinitePaging } from './infinite-query.ts'
import { kernelFor } from './kernel-registry.ts'
import type { MizanReactPlugin } from './plugin.ts'

export const infinite: MizanReactPlugin = {
  name: 'infinite',
  claim(property, options) {
    const naming = createNaming((options as { wireNames?: Record<string, string> }).wireNames)
    if (property === 'infiniteQueryOptions') {
      return (key: string, input: unknown, paging: InfinitePaging) => infiniteCallQuery(key, naming.wireName(key), input, paging, kernelFor)
    }
    const name = /^use([A-Z]\w*)Infinite$/.exec(property)?.[1]
    return name && createInfiniteHook(name.charAt(0).toLowerCase() + name.slice(1), property)
  },
}

export { infiniteCallQuery, type InfinitePaging, type InfiniteQueryKey } from './infinite-query.ts'
export type * from './infinite-types.ts'
