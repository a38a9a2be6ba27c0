import type { InfiniteData, QueryKeyWithDataTag, UnusedSkipTokenInfiniteOptions, UseInfiniteQueryResult } from '@tanstack/react-query'
import type { MizanError } from '../../shared/errors.ts'
import type { MizanTypeError } from '../../shared/type-errors.ts'
import type { AnyRouter, CallableKeys, InputOf, OutputOf } from '../../shared/types.ts'
import type { InfiniteQueryKey } from './infinite-query.ts'

/** The type of a function input's `cursor`, or `never` when it has none. */
export type CursorOf<R extends AnyRouter, K extends keyof R['defs']> = InputOf<R, K> extends { cursor?: infer C } ? Exclude<C, undefined> : never

/** An infinite query's input: the function's, without the cursor its pages supply. */
export type InfiniteInput<R extends AnyRouter, K extends keyof R['defs']> = [CursorOf<R, K>] extends [never]
  ? MizanTypeError<`'${K & string}' takes no cursor: an infinite query needs a function whose input has a \`cursor\` field`>
  : Omit<InputOf<R, K>, 'cursor'>

/** How pages follow each other: the next page's cursor from the last page (`null`/`undefined`: no more). */
export interface MizanInfinitePaging<TOutput, TCursor> {
  getNextPageParam: (lastPage: TOutput, allPages: TOutput[]) => TCursor | null | undefined
  getPreviousPageParam?: (firstPage: TOutput, allPages: TOutput[]) => TCursor | null | undefined
  /** The first page's cursor; by default none (the first call is made without `cursor`). */
  initialPageParam?: TCursor
  maxPages?: number
}

export type MizanInfiniteQueryOptions<R extends AnyRouter, K extends keyof R['defs']> = UnusedSkipTokenInfiniteOptions<
  OutputOf<R, K>,
  MizanError,
  InfiniteData<OutputOf<R, K>, CursorOf<R, K> | undefined>,
  InfiniteQueryKey,
  CursorOf<R, K> | undefined
> &
  QueryKeyWithDataTag<InfiniteQueryKey, InfiniteData<OutputOf<R, K>, CursorOf<R, K> | undefined>, MizanError>

export interface InfiniteQueryOptionsFactory<R extends AnyRouter> {
  /** Options for `useInfiniteQuery` / `prefetchInfiniteQuery` of a function whose input has a `cursor`. */
  <K extends CallableKeys<R>>(key: K, input: InfiniteInput<R, K>, paging: MizanInfinitePaging<OutputOf<R, K>, CursorOf<R, K>>): MizanInfiniteQueryOptions<R, K>
}

/**
 * `use<Key>Infinite(input, paging)`: pages of the function, fetched by cursor and refetched
 * together when an `affects` names the function. Every callable key has one (a key filter on
 * the input's shape would compute every input of the router); one without a `cursor` input
 * takes only an error type that says so.
 */
export type InfiniteHooks<R extends AnyRouter> = {
  [K in CallableKeys<R> as `use${Capitalize<K>}Infinite`]: (
    input: InfiniteInput<R, K>,
    paging: MizanInfinitePaging<OutputOf<R, K>, CursorOf<R, K>>,
  ) => UseInfiniteQueryResult<InfiniteData<OutputOf<R, K>, CursorOf<R, K> | undefined>, MizanError>
}
