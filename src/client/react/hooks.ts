import { useMutation, useQuery, useSuspenseQuery } from '@tanstack/react-query'
import type { WireBundle } from '../types.ts'
import { optimisticMutation, type OptimisticSpec } from './optimistic.ts'
import { memberContextOf, outsideProviderError, type MemberContexts } from './member-registry.ts'
import { callMutation, contextQuery } from './query-builders.ts'
import { findMember, named, useRuntime } from './runtime.ts'

/**
 * `use<Key>()`: a context member's data when a mounted provider's bundle has the member; a
 * member no mounted provider has throws an error naming its provider (see `memberContextOf`);
 * anything else is a mutation. Every branch runs the same hooks, so a component may render
 * under different providers without breaking the rules of hooks.
 */
export function createFunctionHook(key: string, hookName: string, members: MemberContexts | undefined) {
  return named(function useMizanFunction(options?: { optimistic?: (input: unknown) => OptimisticSpec | readonly OptimisticSpec[] }): unknown {
    const { client, queryClient, scope } = useRuntime(hookName)
    const wireName = client.wireName(key)
    const optimistic = options?.optimistic
    const mutation = useMutation(optimistic ? optimisticMutation(key, wireName, client, optimistic) : callMutation(key, wireName, () => client), queryClient)
    const found = findMember(scope, wireName)
    if (found) return found.value
    const context = memberContextOf(queryClient, wireName, members)
    if (context !== undefined) throw outsideProviderError(hookName, key, context)
    return mutation
  }, hookName)
}

/** `use<Context>Context(params)`: the bundle as a query, keyed by router key via `select`. */
export function createContextHook(name: string, hookName: string, select: (bundle: WireBundle) => unknown) {
  return named(function useMizanContext(params?: unknown) {
    const { client, queryClient } = useRuntime(hookName)
    return useQuery({ ...contextQuery(name, params, () => client), select }, queryClient)
  }, hookName)
}

/** `useSuspense<Context>Context(params)`: the same bundle, suspending until it is loaded. */
export function createSuspenseContextHook(name: string, hookName: string, select: (bundle: WireBundle) => unknown) {
  return named(function useMizanSuspenseContext(params?: unknown) {
    const { client, queryClient } = useRuntime(hookName)
    return useSuspenseQuery({ ...contextQuery(name, params, () => client), select }, queryClient)
  }, hookName)
}
