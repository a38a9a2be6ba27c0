import type { QueryClient } from '@tanstack/react-query'
import { createContext, useContext } from 'react'
import type { UntypedMizanClient, WireBundle } from '../types.ts'

/**
 * One loaded bundle per mounted context provider, linked to the provider above it, so a hook
 * can search nearest first and reach `global` last.
 */
export interface BundleScope {
  bundle: WireBundle
  parent: BundleScope | undefined
}

/** What `<MizanContext>` hands down: the kernel, the QueryClient it caches into, and (below a context provider) the loaded bundles. */
export interface MizanRuntime {
  client: UntypedMizanClient
  queryClient: QueryClient
  scope?: BundleScope | undefined
}

export const RuntimeContext = createContext<MizanRuntime | null>(null)

export function useRuntime(caller: string): MizanRuntime {
  const runtime = useContext(RuntimeContext)
  if (!runtime) throw new Error(`Mizan: ${caller} must be rendered inside <MizanContext>`)
  return runtime
}

/** The nearest mounted bundle that has this member, if any. */
export function findMember(scope: BundleScope | undefined, wireName: string): { value: unknown } | undefined {
  for (let at = scope; at; at = at.parent) if (Object.hasOwn(at.bundle, wireName)) return { value: at.bundle[wireName] }
}

/** Give a hook or component the name React DevTools and stack traces show. */
export function named<T extends object>(value: T, name: string): T {
  return Object.defineProperty(value, 'name', { value: name })
}
