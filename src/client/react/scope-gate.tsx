import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useMemo, type ReactNode } from 'react'
import type { MizanError } from '../../shared/errors.ts'
import { contextQuery } from './query-builders.ts'
import { named, RuntimeContext, useRuntime } from './runtime.ts'

/** What to show when a bundle fails before it ever loaded; without it the error is thrown to the nearest error boundary. */
export type ErrorFallback = ReactNode | ((error: MizanError) => ReactNode)

export interface ContextProviderRuntimeProps {
  params?: unknown
  fallback?: ReactNode
  errorFallback?: ErrorFallback
  children?: ReactNode
}

export interface ScopeGateProps extends ContextProviderRuntimeProps {
  name: string
}

/**
 * Fetches one context bundle and renders its children only once it is there, so member hooks
 * below can decide "member or mutation" from loaded data and never flip between the two.
 * While params change the previous bundle stays on screen instead of falling back.
 */
export function ScopeGate({ name, params, fallback = null, errorFallback, children }: ScopeGateProps): ReactNode {
  const runtime = useRuntime(`the ${name} context provider`)
  const { client, queryClient, scope } = runtime
  const { data: bundle, error } = useQuery({ ...contextQuery(name, params, () => client), placeholderData: keepPreviousData }, queryClient)
  const inner = useMemo(() => bundle && { ...runtime, scope: { bundle, parent: scope } }, [bundle, runtime])
  if (inner) return <RuntimeContext.Provider value={inner}>{children}</RuntimeContext.Provider>
  if (!error) return fallback
  if (errorFallback === undefined) throw error
  return typeof errorFallback === 'function' ? errorFallback(error as MizanError) : errorFallback
}

/** `<XContext params>`: mounts the bundle of context `name` for the hooks below it. */
export function createContextProvider(name: string, displayName: string) {
  return named((props: ContextProviderRuntimeProps): ReactNode => <ScopeGate {...props} name={name} />, displayName)
}
