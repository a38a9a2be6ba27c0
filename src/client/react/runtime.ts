import type { QueryClient } from '@tanstack/react-query'
import { createContext, useContext } from 'react'
import type { UntypedMizanClient, WireBundle } from '../types.ts'

/** What `<MizanContext>` hands down: the kernel and the QueryClient it caches into. */
export interface MizanRuntime {
  client: UntypedMizanClient
  queryClient: QueryClient
}

export const RuntimeContext = createContext<MizanRuntime | null>(null)

/**
 * One loaded bundle per mounted context provider, linked to the provider above it, so a hook
 * can search nearest first and reach `global` last.
 */
export interface BundleScope {
  name: string
  bundle: WireBundle
  parent: BundleScope | null
}

export const ScopeContext = createContext<BundleScope | null>(null)

export function useRuntime(caller: string): MizanRuntime {
  const runtime = useContext(RuntimeContext)
  if (!runtime) throw new Error(`Mizan: ${caller} must be rendered inside <MizanContext>`)
  return runtime
}

/** The nearest mounted bundle that has this member, if any. */
export function findMember(scope: BundleScope | null, wireName: string): { value: unknown } | undefined {
  for (let at = scope; at; at = at.parent) {
    if (Object.prototype.hasOwnProperty.call(at.bundle, wireName)) return { value: at.bundle[wireName] }
  }
  return undefined
}
