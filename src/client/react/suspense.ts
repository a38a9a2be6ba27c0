/**
 * `mizan-ts/react/suspense`: `useSuspense<Name>Context(params)`, a context bundle through
 * `useSuspenseQuery` (the nearest `<Suspense>` shows its fallback while it loads, and `data` is
 * never `undefined`), as a plug-in. `queryOptions.call`/`.context` work with `useSuspenseQuery`
 * without it.
 *
 * ```ts
 * import { suspense } from 'mizan-ts/react/suspense'
 * const mizan = createMizanReact<AppRouter>({ use: [suspense] })
 * const { data } = mizan.useSuspenseUserContext({ user_id: 1 })
 * ```
 */
import { useSuspenseQuery } from '@tanstack/react-query'
import { toWireName } from '../../shared/naming.ts'
import type { WireBundle } from '../types.ts'
import { createNaming } from '../wire-names.ts'
import type { MizanReactPlugin } from './plugin.ts'
import { contextQuery } from './query-builders.ts'
import { named, useRuntime } from './runtime.ts'

export const suspense: MizanReactPlugin = {
  name: 'suspense',
  claim(property, options) {
    const name = /^useSuspense([A-Z]\w*)Context$/.exec(property)?.[1]
    if (!name) return undefined
    const context = toWireName(name)
    const naming = createNaming((options as { wireNames?: Record<string, string> }).wireNames)
    const select = (bundle: WireBundle) => Object.fromEntries(Object.entries(bundle).map(([wire, value]) => [naming.keyOf(wire), value]))
    return named(function useMizanSuspenseContext(params?: unknown) {
      const { client, queryClient } = useRuntime(property)
      return useSuspenseQuery({ ...contextQuery(context, params, () => client), select }, queryClient)
    }, property)
  },
}
