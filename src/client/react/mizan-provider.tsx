import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useMemo, useRef, type ReactNode } from 'react'
import { GLOBAL_CONTEXT } from '../../shared/protocol.ts'
import type { AnyRouter } from '../../shared/types.ts'
import { createMizanClient } from '../mizan-client.ts'
import type { BaseClientOptions, MizanClientOptions } from '../options.ts'
import { untyped } from '../types.ts'
import { bindKernel } from './kernel-registry.ts'
import { RuntimeContext, type MizanRuntime } from './runtime.ts'
import { ScopeGate, type ErrorFallback } from './scope-gate.tsx'

export interface MizanProviderProps {
  /** Mount of the backend (default: the dialect's prefix, `/api/mizan`). */
  baseUrl?: string
  /** Share an app-wide QueryClient; one is created per provider otherwise. */
  queryClient?: QueryClient
  /** Per-provider kernel options, over those given to `createMizanReact`. Read when the provider mounts or `baseUrl` changes. */
  client?: Omit<BaseClientOptions, 'baseUrl'>
  /** Shown until the `global` bundle is loaded. */
  fallback?: ReactNode
  errorFallback?: ErrorFallback
  /** Load the `global` bundle before rendering children (default `true`). */
  global?: boolean
  /**
   * With the `ssr` plug-in: seed the cache from the page's SSR data (`__MIZAN_SSR_DATA__` or the
   * dialect's spelling, and the dehydrated cache) before the first render reads it (default `true`).
   */
  ssr?: boolean
  children?: ReactNode
}

/** `<MizanContext>`; plug-ins may wrap it (see `MizanReactPlugin.provider`). */
export type MizanProvider = (props: MizanProviderProps) => ReactNode

export function createMizanProvider(defaults: MizanClientOptions<AnyRouter>): MizanProvider {
  return function MizanContext(props) {
    const { baseUrl, global = true } = props
    const own = useRef<QueryClient | null>(null)
    const queryClient = props.queryClient ?? (own.current ??= new QueryClient())
    // The kernel holds the cookie jar and the CSRF state, so it must survive re-renders;
    // an inline `client` object would otherwise rebuild it on every render.
    const client = useMemo(() => untyped(createMizanClient<AnyRouter>({ ...defaults, ...props.client, baseUrl })), [baseUrl])
    // Registered during render, before any child's queryFn can run; idempotent, so safe to repeat.
    bindKernel(queryClient, client)
    const runtime = useMemo<MizanRuntime>(() => ({ client, queryClient }), [client, queryClient])
    return (
      <QueryClientProvider client={queryClient}>
        <RuntimeContext.Provider value={runtime}>
          {/* The gate takes `fallback`, `errorFallback` and `children` from the provider's props. */}
          {global ? <ScopeGate {...props} name={GLOBAL_CONTEXT} /> : props.children}
        </RuntimeContext.Provider>
      </QueryClientProvider>
    )
  }
}
