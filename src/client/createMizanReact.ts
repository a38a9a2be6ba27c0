import type { AnyRouter } from '../shared/types.ts'
import { createElement, type ReactNode } from 'react'
import type { MizanClientOptions, OptionsArgs, TypedTransportOption } from './options.ts'
import { createChannelHook, LiveInvalidation, useConnectionStatus, useLiveInvalidation } from './react/channel-hooks.ts'
import type { ChannelHooks, RealtimeHooks, RealtimeReactOptions } from './react/channel-types.ts'
import type { MizanProviderProps } from './react/mizan-provider.tsx'
import { createContextProvider } from './react/context-provider.tsx'
import { createFormHook } from './react/form-hook.ts'
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
export function createMizanReact<R extends AnyRouter>(
  ...args: OptionsArgs<MizanReactOptions<R> & TypedTransportOption<R> & RealtimeReactOptions>
): MizanReact<R> & ChannelHooks<R> & RealtimeHooks {
  const { live = false, ...clientOptions } = (args[0] ?? {}) as MizanClientOptions<AnyRouter> & RealtimeReactOptions
  const options = clientOptions as MizanClientOptions<AnyRouter>
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
        return live ? withLiveInvalidation(createMizanProvider(options)) : createMizanProvider(options)
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
      case 'form':
        return createFormHook(target.key, property)
      case 'channel':
        return createChannelHook(target.key, property)
      case 'useLiveInvalidation':
        return useLiveInvalidation
      case 'useConnectionStatus':
        return useConnectionStatus
      default:
        return undefined
    }
  }

  return new Proxy({} as MizanReact<R> & ChannelHooks<R> & RealtimeHooks, {
    get(_target, property) {
      if (typeof property !== 'string') return undefined
      if (!cache.has(property)) cache.set(property, build(property))
      return cache.get(property)
    },
  })
}

/** `<MizanContext>` with the live-invalidation listener mounted inside it. */
function withLiveInvalidation(Provider: (props: MizanProviderProps) => ReactNode) {
  return function MizanContext(props: MizanProviderProps): ReactNode {
    return createElement(Provider, props, createElement(LiveInvalidation), props.children)
  }
}

export { applyMizanResponse, type MizanResponseEffects } from './react/apply-response.ts'
export { realtimeOf } from './ws-transport.ts'
export type { ChannelFrame, ChannelHandlers, ChannelStatus, ChannelSubscription, ConnectionStatus, MizanRealtime, WebSocketClientOptions } from './ws-transport.ts'
export type { ChannelHookOptions, ChannelHooks, ChannelState, RealtimeHooks, RealtimeReactOptions } from './react/channel-types.ts'
export { registerMizanClient } from './react/kernel-registry.ts'
export type * from './react/types.ts'
