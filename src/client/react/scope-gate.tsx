import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useContext, useMemo, type ReactNode } from 'react'
import type { MizanError } from '../../shared/errors.ts'
import { contextQuery } from './query-builders.ts'
import { ScopeContext, useRuntime } from './runtime.ts'

/** What to show when a bundle fails before it ever loaded; without it the error is thrown to the nearest error boundary. */
export type ErrorFallback = ReactNode | ((error: MizanError) => ReactNode)

export interface ScopeGateProps {
  name: string
  params?: unknown
  fallback?: ReactNode
  errorFallback?: ErrorFallback
  children?: ReactNode
}

/**
 * Fetches one context bundle and renders its children only once it is there, so member hooks
 * below can decide "member or mutation" from loaded data and never flip between the two.
 * While params change the previous bundle stays on screen instead of falling back.
 */
export function ScopeGate({ name, params, fallback = null, errorFallback, children }: ScopeGateProps): ReactNode {
  const runtime = useRuntime(`the ${name} context provider`)
  const parent = useContext(ScopeContext)
  const query = useQuery(
    { ...contextQuery(name, params, () => runtime.client), placeholderData: keepPreviousData },
    runtime.queryClient,
  )
  const bundle = query.data
  const scope = useMemo(() => (bundle === undefined ? null : { name, bundle, parent }), [name, bundle, parent])
  if (scope) return <ScopeContext.Provider value={scope}>{children}</ScopeContext.Provider>
  if (query.error) {
    if (errorFallback === undefined) throw query.error
    return typeof errorFallback === 'function' ? errorFallback(query.error as MizanError) : errorFallback
  }
  return fallback
}
