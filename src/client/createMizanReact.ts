import type { NeedsWireNames } from '../shared/type-errors.ts'
import type { AnyRouter, HasWireNameOverrides } from '../shared/types.ts'
import type { MizanClientOptions, OptionsArgs, TypedTransportOption } from './options.ts'
import type { ChannelHooks, RealtimeHooks } from './react/channel-types.ts'
import { parseHookName } from './react/hook-names.ts'
import { createContextHook, createFunctionHook } from './react/hooks.ts'
import { kernelFor } from './react/kernel-registry.ts'
import { createMizanProvider } from './react/mizan-provider.tsx'
import { missingPlugin, pluginHook, type MizanPluginsOption } from './react/plugin.ts'
import { callMutation, callQuery, contextQuery } from './react/query-builders.ts'
import { createContextProvider } from './react/scope-gate.tsx'
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
 *
 * Forms, channels, live invalidation and SSR seeding are plug-ins, each from its own entry:
 * `createMizanReact<AppRouter>({ use: [forms, channels, live, ssr] })`.
 *
 * The first overload is the no-options call: its `this` is `void` (any call's), unless the
 * router renames functions, when it is an error type saying to pass `wireNames`.
 */
export function createMizanReact<R extends AnyRouter>(this: HasWireNameOverrides<R> extends true ? NeedsWireNames : void): MizanReactHandle<R>
export function createMizanReact<R extends AnyRouter>(...args: OptionsArgs<MizanReactOptions<R> & TypedTransportOption<R> & MizanPluginsOption>): MizanReactHandle<R>
export function createMizanReact<R extends AnyRouter>(this: unknown, ...args: unknown[]): MizanReactHandle<R> {
  const { use: plugins = [], ...options } = (args[0] ?? {}) as MizanClientOptions<AnyRouter> & MizanPluginsOption
  const naming = createNaming((options as { wireNames?: Record<string, string> }).wireNames)
  // Without the plug-in, a hook given `optimistic` throws an error naming it.
  const optimisticMutation = plugins.find((plugin) => plugin.optimisticMutation)?.optimisticMutation ?? missingPlugin('{ optimistic }', 'optimistic')
  const select = (bundle: WireBundle) => Object.fromEntries(Object.entries(bundle).map(([wire, value]) => [naming.keyOf(wire), value]))
  const core: Record<string, unknown> = {
    useMizan: () => useRuntime('useMizan'),
    queryOptions: {
      context: (name: string, params?: unknown) => ({ ...contextQuery(name, params, kernelFor), select }),
      call: (key: string, input?: unknown) => callQuery(key, naming.wireName(key), input, kernelFor),
    },
    mutationOptions: (key: string) => callMutation(key, naming.wireName(key), kernelFor),
  }

  function build(property: string): unknown {
    for (const plugin of plugins) {
      const owned = plugin.claim?.(property, options)
      if (owned) return owned
    }
    const target = parseHookName(property)
    if (!target) return undefined
    if (target.kind === 'MizanContext') return plugins.reduce((Provider, plugin) => plugin.provider?.(Provider, options) ?? Provider, createMizanProvider(options))
    if (target.kind === 'function') return createFunctionHook(target.key, property, optimisticMutation)
    if (target.kind === 'contextHook') return createContextHook(target.context, property, select)
    if (target.kind === 'provider') return createContextProvider(target.context, property)
    // `use<Name>Form`, `use<Name>Channel`, `useLiveInvalidation`, `useConnectionStatus`: from a plug-in.
    return core[target.kind] ?? pluginHook(plugins, target, property)
  }

  const cache = new Map<string, unknown>()
  return new Proxy({} as MizanReactHandle<R>, {
    get(_target, property) {
      if (typeof property !== 'string') return undefined
      if (!cache.has(property)) cache.set(property, build(property))
      return cache.get(property)
    },
  })
}

/** What `createMizanReact<R>()` returns. */
export type MizanReactHandle<R extends AnyRouter> = MizanReact<R> & ChannelHooks<R> & RealtimeHooks

export { applyMizanResponse, type MizanResponseEffects } from './react/apply-response.ts'
export type { ChannelFrame, ChannelHandlers, ChannelStatus, ChannelSubscription, ConnectionStatus, MizanRealtime, WebSocketClientOptions } from './ws-transport.ts'
export type { ChannelHookOptions, ChannelHooks, ChannelState, RealtimeHooks } from './react/channel-types.ts'
export type { MizanPluginsOption, MizanReactPlugin } from './react/plugin.ts'
export { registerMizanClient } from './react/kernel-registry.ts'
export type * from './react/types.ts'
export type * from './react/infinite-types.ts'
export type { InfiniteQueryKey } from './react/infinite-query.ts'
