import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useMemo, useRef, type ReactNode } from 'react'
import { GLOBAL_CONTEXT } from '../../shared/protocol.ts'
import type { AnyRouter } from '../../shared/types.ts'
import { createMizanClient } from '../mizan-client.ts'
import type { BaseClientOptions, MizanClientOptions } from '../options.ts'
import { untyped } from '../types.ts'
import { bindKernel } from './kernel-registry.ts'
import { seedFromSSR } from './ssr-hydrate.ts'
import { RuntimeContext, ScopeContext, type MizanRuntime } from './runtime.ts'
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
  /** Seed the cache from the page's SSR data (`__MIZAN_SSR_DATA__` or the dialect's spelling, and the dehydrated cache) on first render (default `true`). */
  ssr?: boolean
  children?: ReactNode
}

export function createMizanProvider(defaults: MizanClientOptions<AnyRouter>) {
  return function MizanContext(props: MizanProviderProps): ReactNode {
    const { baseUrl, global = true, fallback, errorFallback, children } = props
    const own = useRef<QueryClient | null>(null)
    const queryClient = props.queryClient ?? (own.current ??= new QueryClient())
    // The kernel holds the cookie jar and the CSRF state, so it must survive re-renders;
    // an inline `client` object would otherwise rebuild it on every render.
    const kernel = useMemo(() => untyped(createMizanClient<AnyRouter>({ ...defaults, ...props.client, baseUrl })), [baseUrl])
    // Registered during render, before any child's queryFn can run; idempotent, so safe to repeat.
    bindKernel(queryClient, kernel)
    // Before the gate below reads the cache: a server-rendered page then hydrates with no request.
    if (props.ssr !== false) seedFromSSR(queryClient, kernel.dialect)
    const runtime = useMemo<MizanRuntime>(() => ({ client: kernel, queryClient }), [kernel, queryClient])
    return (
      <QueryClientProvider client={queryClient}>
        <RuntimeContext.Provider value={runtime}>
          <ScopeContext.Provider value={null}>
            {global ? (
              <ScopeGate name={GLOBAL_CONTEXT} fallback={fallback} errorFallback={errorFallback}>
                {children}
              </ScopeGate>
            ) : (
              children
            )}
          </ScopeContext.Provider>
        </RuntimeContext.Provider>
      </QueryClientProvider>
    )
  }
}
