import { useInfiniteQuery, type QueryFunctionContext } from '@tanstack/react-query'
import type { WireParams } from '../../shared/protocol.ts'
import type { UntypedMizanClient } from '../types.ts'
import type { KernelResolver } from './query-builders.ts'
import { sortedParams } from './query-keys.ts'
import { named, useRuntime } from './runtime.ts'

/**
 * An infinite query's key: a call's key (`['mizan', 'call', wire, params]`, the input without its
 * cursor) and a fifth part that keeps its cache (pages) apart from the plain query's. An
 * `affects` of the function invalidates it like any query of the function: `matchesEntry`
 * compares the first four parts.
 */
export type InfiniteQueryKey = readonly ['mizan', 'call', string, WireParams, 'infinite']

/** What pages are fetched with: the next page's cursor, from the last page. */
export interface InfinitePaging {
  getNextPageParam: (lastPage: unknown, allPages: unknown[]) => unknown
  getPreviousPageParam?: (firstPage: unknown, allPages: unknown[]) => unknown
  /** The first page's cursor; by default none (the call is made without `cursor`). */
  initialPageParam?: unknown
  maxPages?: number
}

export function infiniteCallQuery(key: string, wireName: string, input: unknown, paging: InfinitePaging, resolve: KernelResolver) {
  const { cursor: _ignored, ...rest } = (input ?? {}) as Record<string, unknown>
  return {
    queryKey: ['mizan', 'call', wireName, sortedParams(rest), 'infinite'] as InfiniteQueryKey,
    queryFn: async ({ client, pageParam }: QueryFunctionContext<InfiniteQueryKey, unknown>): Promise<unknown> =>
      (await resolve(client).call(key, pageParam === undefined ? rest : { ...rest, cursor: pageParam })).result,
    initialPageParam: paging.initialPageParam,
    getNextPageParam: paging.getNextPageParam,
    ...(paging.getPreviousPageParam && { getPreviousPageParam: paging.getPreviousPageParam }),
    ...(paging.maxPages !== undefined && { maxPages: paging.maxPages }),
    // As for calls read as queries: a page is refetched when an `affects` says so, not with time.
    retry: false,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  }
}

/** `use<Key>Infinite(input, paging)`: pages of a function whose input takes a `cursor`. */
export function createInfiniteHook(key: string, hookName: string) {
  return named(function useMizanInfinite(input: unknown, paging: InfinitePaging) {
    const { client, queryClient } = useRuntime(hookName)
    const kernel: UntypedMizanClient = client
    return useInfiniteQuery(infiniteCallQuery(key, client.wireName(key), input, paging, () => kernel), queryClient)
  }, hookName)
}
