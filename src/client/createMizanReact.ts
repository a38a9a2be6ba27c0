import type { AnyRouter } from '../shared/types.ts'
import type { MizanClientOptions, OptionsArgs } from './options.ts'
import { createContextProvider } from './react/context-provider.tsx'
import { parseHookName } from './react/hook-names.ts'
import { createContextHook, createFunctionHook } from './react/hooks.ts'
import { kernelFor } from './react/kernel-registry.ts'
import { createMizanProvider } from './react/mizan-provider.tsx'
import { callMutation, callQuery, contextQuery } from './react/query-builders.ts'
import { useRuntime } from './react/runtime.ts'
import type { MizanReact, MizanReactOptions } from './react/types.ts'
import type { WireBundle } from './types.ts'
import { createNaming } from './wire-names.ts'

/**
 * The typed React handle for a router, from its type alone:
 *
 * ```tsx
 * export const mizan = createMizanReact<AppRouter>()
 * <mizan.MizanContext baseUrl="/api/mizan" fallback={<Spinner />}>
 *   <mizan.UserContext params={{ user_id: 1 }}><Profile /></mizan.UserContext>
 * </mizan.MizanContext>
 * // in Profile: const profile = mizan.useUserProfile(); const save = mizan.useUpdateProfile()
 * ```
 *
 * Hooks and providers are resolved from the property name on first access and cached, so
 * `mizan.UserContext` is one stable component. `queryOptions`/`mutationOptions` work outside
 * components: their functions look the kernel up through the QueryClient they run in, which
 * `<MizanContext>` binds (or `registerMizanClient(queryClient, client)` outside React).
 */
export function createMizanReact<R extends AnyRouter>(...args: OptionsArgs<MizanReactOptions<R>>): MizanReact<R> {
  const options = (args[0] ?? {}) as MizanClientOptions<AnyRouter>
  const naming = createNaming((options as { wireNames?: Record<string, string> }).wireNames)
  const toRouterKeys = (bundle: WireBundle) => Object.fromEntries(Object.entries(bundle).map(([wire, value]) => [naming.keyOf(wire), value]))

  function useMizan() {
    const { client, queryClient } = useRuntime('useMizan')
    return { client, queryClient }
  }

  const queryOptions = {
    context: (name: string, params?: unknown) => ({ ...contextQuery(name, params, kernelFor), select: toRouterKeys }),
    call: (key: string, input?: unknown) => callQuery(key, naming.wireName(key), input, kernelFor),
  }
  const mutationOptions = (key: string) => callMutation(key, naming.wireName(key), kernelFor)

  const cache = new Map<string, unknown>()
  function build(property: string): unknown {
    const target = parseHookName(property)
    switch (target?.kind) {
      case 'MizanContext':
        return createMizanProvider(options)
      case 'useMizan':
        return useMizan
      case 'queryOptions':
        return queryOptions
      case 'mutationOptions':
        return mutationOptions
      case 'function':
        return createFunctionHook(target.key, property)
      case 'contextHook':
        return createContextHook(target.context, property, toRouterKeys)
      case 'provider':
        return createContextProvider(target.context, property)
      default:
        return undefined
    }
  }

  return new Proxy({} as MizanReact<R>, {
    get(_target, property) {
      if (typeof property !== 'string') return undefined
      if (!cache.has(property)) cache.set(property, build(property))
      return cache.get(property)
    },
  })
}

export { applyMizanResponse, type MizanResponseEffects } from './react/apply-response.ts'
export { registerMizanClient } from './react/kernel-registry.ts'
export type * from './react/types.ts'
