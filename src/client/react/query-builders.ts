import type { MutationFunctionContext, QueryClient, QueryFunctionContext } from '@tanstack/react-query'
import { GLOBAL_CONTEXT } from '../../shared/protocol.ts'
import { hasErrorCode } from '../errors.ts'
import type { UntypedMizanClient, WireBundle } from '../types.ts'
import { applyMizanResponse } from './apply-response.ts'
import { callQueryKey, contextQueryKey, type CallQueryKey, type ContextQueryKey } from './query-keys.ts'

/** How a builder finds its kernel: a hook has it in hand, a standalone factory asks the registry. */
export type KernelResolver = (queryClient: QueryClient) => UntypedMizanClient

/**
 * Bundles change when a mutation says so, not with time or focus; and the kernel already
 * retries reads, so React Query's retries would only multiply its attempts.
 */
export const CONTEXT_QUERY_DEFAULTS = { staleTime: Infinity, retry: false, refetchOnWindowFocus: false } as const

// The queryFns leave TanStack's `signal` unread on purpose: once read, the last observer
// unmounting mid-flight cancels and reverts the fetch, so a provider that remounts (route
// changes, StrictMode, params flipping back) pays for the same bundle twice. Letting it
// finish puts it in the cache for the next mount.

export function contextQuery(name: string, params: unknown, resolve: KernelResolver) {
  const queryKey = contextQueryKey(name, params)
  return {
    queryKey,
    queryFn: async ({ client }: QueryFunctionContext<ContextQueryKey>): Promise<WireBundle> =>
      resolve(client)
        .context(name, queryKey[3])
        // A backend without a `global` context answers 404: that is an empty bundle, not a failure.
        .catch((error: unknown) => {
          if (name === GLOBAL_CONTEXT && hasErrorCode(error, 'NOT_FOUND') && error.status === 404) return {}
          throw error
        }),
    ...CONTEXT_QUERY_DEFAULTS,
  }
}

/** A plain function read as a query; calls are never retried, so neither is this. */
export function callQuery(key: string, wireName: string, args: unknown, resolve: KernelResolver) {
  return {
    queryKey: callQueryKey(wireName, args),
    queryFn: async ({ client }: QueryFunctionContext<CallQueryKey>): Promise<unknown> => (await resolve(client).call(key, args)).result,
    retry: false,
  }
}

/**
 * The response's invalidate/merge are applied inside `mutationFn`, before it resolves, rather
 * than in `onSuccess`: callers commonly pass their own `onSuccess`, which would silently
 * replace ours, and this way every success callback already sees the refreshed cache.
 */
export function callMutation(key: string, wireName: string, resolve: KernelResolver) {
  return {
    mutationKey: ['mizan', 'call', wireName] as const,
    mutationFn: async (input: unknown, { client }: MutationFunctionContext): Promise<unknown> => {
      const outcome = await resolve(client).call(key, input)
      await applyMizanResponse(client, outcome)
      return outcome.result
    },
  }
}
