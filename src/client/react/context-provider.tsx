import type { ReactNode } from 'react'
import { ScopeGate, type ErrorFallback } from './scope-gate.tsx'

export interface ContextProviderRuntimeProps {
  params?: unknown
  fallback?: ReactNode
  errorFallback?: ErrorFallback
  children?: ReactNode
}

/** `<XContext params>`: mounts the bundle of context `name` for the hooks below it. */
export function createContextProvider(name: string, displayName: string) {
  function MizanContextProvider({ params, fallback, errorFallback, children }: ContextProviderRuntimeProps): ReactNode {
    return (
      <ScopeGate name={name} params={params} fallback={fallback} errorFallback={errorFallback}>
        {children}
      </ScopeGate>
    )
  }
  MizanContextProvider.displayName = displayName
  return MizanContextProvider
}
