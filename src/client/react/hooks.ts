import { useMutation, useQuery } from '@tanstack/react-query'
import type { WireBundle } from '../types.ts'
import type { OptimisticMutationFactory, OptimisticSpec } from './optimistic-writes.ts'
import { callMutation, contextQuery } from './query-builders.ts'
import { findMember, named, useRuntime } from './runtime.ts'

/**
 * `use<Key>()`: a context member's data when a mounted provider's bundle has the member,
 * otherwise a mutation. (The router's types are gone at run time: the `members` plug-in, given
 * every member of the router, makes a member hook outside its provider throw instead.) Both
 * branches run the same hooks, so a component may render under different providers without
 * breaking the rules of hooks.
 */
export function createFunctionHook(key: string, hookName: string, optimisticMutation: OptimisticMutationFactory) {
  return named(function useMizanFunction(options?: { optimistic?: (input: unknown) => OptimisticSpec | readonly OptimisticSpec[] }): unknown {
    const { client, queryClient, scope } = useRuntime(hookName)
    const wireName = client.wireName(key)
    const optimistic = options?.optimistic
    const mutation = useMutation(optimistic ? optimisticMutation(key, wireName, client, optimistic) : callMutation(key, wireName, () => client), queryClient)
    return (findMember(scope, wireName) ?? { value: mutation }).value
  }, hookName)
}

/** `use<Context>Context(params)`: the bundle as a query, keyed by router key via `select`. */
export function createContextHook(name: string, hookName: string, select: (bundle: WireBundle) => unknown) {
  return named(function useMizanContext(params?: unknown) {
    const { client, queryClient } = useRuntime(hookName)
    return useQuery({ ...contextQuery(name, params, () => client), select }, queryClient)
  }, hookName)
}
