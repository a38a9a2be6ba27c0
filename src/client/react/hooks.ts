import { useMutation, useQuery } from '@tanstack/react-query'
import { useContext } from 'react'
import type { WireBundle } from '../types.ts'
import { callMutation, contextQuery } from './query-builders.ts'
import { findMember, ScopeContext, useRuntime } from './runtime.ts'

/**
 * `use<Key>()`: a context member's data when a mounted provider's bundle has the member,
 * otherwise a mutation. Both branches run the same hooks, so a component may render under
 * different providers without breaking the rules of hooks.
 */
export function createFunctionHook(key: string, hookName: string) {
  function useMizanFunction(): unknown {
    const runtime = useRuntime(hookName)
    const scope = useContext(ScopeContext)
    const wireName = runtime.client.wireName(key)
    const mutation = useMutation(callMutation(key, wireName, () => runtime.client), runtime.queryClient)
    const member = findMember(scope, wireName)
    return member ? member.value : mutation
  }
  Object.defineProperty(useMizanFunction, 'name', { value: hookName })
  return useMizanFunction
}

/** `use<Context>Context(params)`: the bundle as a query, keyed by router key via `select`. */
export function createContextHook(name: string, hookName: string, select: (bundle: WireBundle) => unknown) {
  function useMizanContext(params?: unknown) {
    const runtime = useRuntime(hookName)
    return useQuery({ ...contextQuery(name, params, () => runtime.client), select }, runtime.queryClient)
  }
  Object.defineProperty(useMizanContext, 'name', { value: hookName })
  return useMizanContext
}
