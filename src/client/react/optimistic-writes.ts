import type { MutationFunctionContext, Query, QueryClient } from '@tanstack/react-query'
import type { InvalidateEntry, MergeEntry, WireParams } from '../../shared/protocol.ts'
import type { UntypedMizanClient, WireBundle } from '../types.ts'
import { mergeIntoBundle } from './apply-response.ts'
import { matches, matchesEntry } from './query-keys.ts'

/** One optimistic write, by wire names: the server's `merge` entry, with `value` maybe computed from the slot's current value. */
export interface OptimisticWrite {
  context: string
  params?: WireParams | undefined
  slot: string
  value: unknown
}

/** What a mutation hook's `optimistic` option returns, by router keys (see `OptimisticUpdate` in types.ts). */
export interface OptimisticSpec {
  context: string
  params?: WireParams | undefined
  member: string
  value: unknown
}

interface Pending {
  writes: OptimisticWrite[]
}

// The optimistic mutations in flight per QueryClient: another mutation's server answer (a merge,
// a refetch) must not wipe the writes of one still waiting for its own.
const inFlight = new WeakMap<QueryClient, Set<Pending>>()
/** Bundles whose refetch waits for the writes in flight into them (by query hash). */
const deferred = new WeakMap<QueryClient, Set<string>>()

const targetsOf = (write: OptimisticWrite) => matches('ctx', write.context, write.params)

/** `mergeIntoBundle`, where `value` may be a function of the slot's current value (a toggle). */
function write(queryClient: QueryClient, entry: OptimisticWrite): void {
  queryClient.setQueriesData<WireBundle>({ predicate: targetsOf(entry) }, (bundle) => {
    if (!bundle) return bundle
    const value = typeof entry.value === 'function' ? (entry.value as (current: unknown) => unknown)(bundle[entry.slot]) : entry.value
    return mergeIntoBundle(bundle, { context: entry.context, slot: entry.slot, value } satisfies MergeEntry)
  })
}

function touchedBy(pending: Iterable<Pending>): (query: Query) => boolean {
  const writes = [...pending].flatMap((p) => p.writes)
  return (query) => writes.some((w) => targetsOf(w)(query))
}

/**
 * A mutation with optimistic writes, all inside `mutationFn` (so a caller's own `onMutate` /
 * `onError` cannot displace them):
 * 1. cancel the fetches of the bundles it writes (a read that left before the write would land
 *    after it with the old data: trpc/trpc#7339), then write them with the merge rules;
 * 2. call; on success apply the server's merge and invalidate; on error restore the bundles;
 * 3. either way re-apply the writes of the optimistic mutations still in flight, and leave the
 *    refetch of a bundle one of them writes to the last of them to settle, so no answer that
 *    predates a pending write is shown over it.
 */
export type OptimisticMutationFactory = typeof optimisticMutation

export function optimisticMutation(key: string, wireName: string, client: UntypedMizanClient, specs: (input: unknown) => OptimisticSpec | readonly OptimisticSpec[]) {
  return {
    mutationKey: ['mizan', 'call', wireName] as const,
    mutationFn: async (input: unknown, { client: queryClient }: MutationFunctionContext): Promise<unknown> => {
      const listed = specs(input)
      const writes = (Array.isArray(listed) ? listed : [listed as OptimisticSpec]).map(
        ({ context, params, member, value }): OptimisticWrite => ({ context, params, slot: client.wireName(member), value }),
      )
      const pending: Pending = { writes }
      const all = inFlight.get(queryClient) ?? new Set<Pending>()
      inFlight.set(queryClient, all)
      const touched = touchedBy([pending])
      await queryClient.cancelQueries({ predicate: touched })
      const snapshot = queryClient.getQueriesData<WireBundle>({ predicate: touched })
      all.add(pending)
      for (const entry of writes) write(queryClient, entry)
      try {
        const outcome = await client.call(key, input)
        all.delete(pending)
        for (const entry of outcome.merge) queryClient.setQueriesData<WireBundle>({ predicate: matches('ctx', entry.context, entry.params) }, (b) => b && mergeIntoBundle(b, entry))
        // What the server did not say it changed is refetched: the optimistic guess is not the truth.
        await settle(queryClient, all, [...outcome.invalidate, ...uncovered(writes, outcome.merge, outcome.invalidate)])
        return outcome.result
      } catch (error) {
        if (all.delete(pending)) {
          for (const [queryKey, data] of snapshot) queryClient.setQueryData(queryKey, data)
          await settle(queryClient, all, writes.map(({ context, params }) => (params ? { context, params } : context)))
        }
        throw error
      }
    },
  }
}

/** The bundles written optimistically that the server's answer neither merged into nor invalidated. */
function uncovered(writes: OptimisticWrite[], merge: readonly MergeEntry[], invalidate: readonly InvalidateEntry[]): InvalidateEntry[] {
  const said = (w: OptimisticWrite) =>
    merge.some((m) => m.context === w.context && m.slot === w.slot) || invalidate.some((e) => (typeof e === 'string' ? e : 'context' in e ? e.context : '') === w.context)
  return writes.filter((w) => !said(w)).map(({ context, params }) => (params ? { context, params } : context))
}

/**
 * Re-apply the writes still in flight, then invalidate what the answer says. A bundle that a
 * write in flight touches is not refetched yet (its answer would come without that write): it
 * is remembered, and refetched by the settle that leaves it untouched. (Marking it stale would
 * not do: the next write into it clears that mark.)
 */
async function settle(queryClient: QueryClient, all: Set<Pending>, invalidate: readonly InvalidateEntry[]): Promise<void> {
  for (const other of all) for (const entry of other.writes) write(queryClient, entry)
  const busy = touchedBy(all)
  const waiting = deferred.get(queryClient) ?? new Set<string>()
  deferred.set(queryClient, waiting)
  const due = new Set<Query>()
  for (const entry of invalidate) {
    for (const query of queryClient.getQueryCache().findAll({ predicate: matchesEntry(entry) })) {
      if (busy(query)) waiting.add(query.queryHash)
      else due.add(query)
    }
  }
  for (const hash of waiting) {
    const query = queryClient.getQueryCache().get(hash)
    if (query && busy(query)) continue
    waiting.delete(hash)
    if (query) due.add(query)
  }
  if (due.size) await queryClient.invalidateQueries({ predicate: (query) => due.has(query) })
}
