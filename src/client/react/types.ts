import type {
  QueryClient,
  QueryKeyWithDataTag,
  UnusedSkipTokenOptions,
  UseMutationOptions,
  UseMutationResult,
  UseQueryResult,
  UseSuspenseQueryResult,
} from '@tanstack/react-query'
import type { FC, ReactNode } from 'react'
import type { MizanError } from '../../shared/errors.ts'
import type { CallableKeyCheck, MissingParams } from '../../shared/type-errors.ts'
import type {
  AnyMemberKeys,
  AnyRouter,
  CallArgs,
  CallableKeys,
  ContextBundle,
  ContextNames,
  ContextOf,
  ContextParams,
  ErrorOf,
  HasRequiredParams,
  InputOf,
  MemberKeys,
  OutputOf,
  PascalCase,
} from '../../shared/types.ts'
import type { BaseClientOptions, WireNamesOption } from '../options.ts'
import type { MizanClient, WireBundle } from '../types.ts'
import type { MizanProviderProps } from './mizan-provider.tsx'
import type { CallQueryKey, ContextQueryKey } from './query-keys.ts'
import type { ErrorFallback } from './scope-gate.tsx'
import type { FormHooks } from './form-types.ts'
import type { InfiniteHooks, InfiniteQueryOptionsFactory } from './infinite-types.ts'

/** Kernel options minus `baseUrl`, which `<MizanContext>` takes. */
export type MizanReactOptions<R extends AnyRouter> = Omit<BaseClientOptions, 'baseUrl'> & WireNamesOption<R>

/** Every context member's router key → its context: what the `members` plug-in checks hooks against. */
export type MemberContexts<R extends AnyRouter> = { [K in AnyMemberKeys<R>]: ContextOf<R, K> }

/** What `mutate` takes: nothing for input-less functions, optional when every field is. */
export type MutationVariables<TInput> =
  CallArgs<TInput> extends [input: infer I] ? I : CallArgs<TInput> extends [input?: infer I] ? I | void : never

export type MizanMutationResult<R extends AnyRouter, K extends CallableKeys<R>> = UseMutationResult<
  OutputOf<R, K>,
  ErrorOf<R, K>,
  MutationVariables<InputOf<R, K>>
>

export type MizanMutationOptions<R extends AnyRouter, K extends CallableKeys<R>> = UseMutationOptions<
  OutputOf<R, K>,
  ErrorOf<R, K>,
  MutationVariables<InputOf<R, K>>
> & { mutationKey: readonly ['mizan', 'call', string] }

/** Context params: a required argument only when some param is required. */
export type ContextParamsArgs<R extends AnyRouter, C extends string> =
  HasRequiredParams<R, C> extends true ? [params: ContextParams<R, C>] : [params?: ContextParams<R, C>]

/**
 * The cached value is the wire bundle; `select` hands out the router-keyed one. Typed as
 * TanStack's own `queryOptions()` result without `skipToken` (`UnusedSkipTokenOptions`), so
 * `useSuspenseQuery`, `useQuery` and `prefetchQuery` all accept it.
 */
export type MizanContextQueryOptions<R extends AnyRouter, C extends string> = UnusedSkipTokenOptions<
  WireBundle,
  MizanError,
  ContextBundle<R, C>,
  ContextQueryKey
> &
  QueryKeyWithDataTag<ContextQueryKey, WireBundle, MizanError>

export type MizanCallQueryOptions<R extends AnyRouter, K extends keyof R['defs']> = UnusedSkipTokenOptions<
  OutputOf<R, K>,
  ErrorOf<R, K>,
  OutputOf<R, K>,
  CallQueryKey
> &
  QueryKeyWithDataTag<CallQueryKey, OutputOf<R, K>, ErrorOf<R, K>>

export interface MizanQueryOptionsFactory<R extends AnyRouter> {
  context<C extends ContextNames<R>>(name: C, ...params: ContextParamsArgs<R, C>): MizanContextQueryOptions<R, C>
  /** A plain function read as a query; a key that is not callable fails with a message naming what to use. */
  call<K extends keyof R['defs'] & string>(key: K & CallableKeyCheck<R, K>, ...args: CallArgs<InputOf<R, K>>): MizanCallQueryOptions<R, K>
}

export type ContextProviderProps<R extends AnyRouter, C extends string> = {
  fallback?: ReactNode
  errorFallback?: ErrorFallback
  children?: ReactNode
} & (HasRequiredParams<R, C> extends true ? { params: ContextParams<R, C> } : { params?: ContextParams<R, C> })

export interface MizanHandle<R extends AnyRouter> {
  client: MizanClient<R>
  queryClient: QueryClient
}

export interface MizanReactCore<R extends AnyRouter> {
  /** Root provider: QueryClient, kernel, and the `global` bundle. */
  MizanContext: FC<MizanProviderProps>
  useMizan(): MizanHandle<R>
  /**
   * TanStack option factories for `useQuery`, `prefetchQuery`, `useQueries`…. Their functions
   * find the kernel through the QueryClient they run in (see `registerMizanClient`).
   */
  queryOptions: MizanQueryOptionsFactory<R>
  /** Options for `useMutation`; the response's invalidate/merge are applied to the QueryClient it runs in. */
  mutationOptions<K extends CallableKeys<R>>(key: K): MizanMutationOptions<R, K>
  /** Options for `useInfiniteQuery` of a function whose input has a `cursor`. */
  infiniteQueryOptions: InfiniteQueryOptionsFactory<R>
}

/** `use<Key>Form` always names a form, so a key ending in `Form` gets no function or member hook. */
type NotFormHook<K extends string> = K extends `${string}Form` ? never : K

export type FunctionHooks<R extends AnyRouter> = {
  [K in CallableKeys<R> as `use${Capitalize<NotFormHook<K>>}`]: (options?: MizanMutationHookOptions<R, K>) => MizanMutationResult<R, K>
}

/** A list slot also takes one item, upserted by `id` (the server's merge rule). */
type MergeValue<T> = T | (T extends readonly (infer I)[] ? I : never)

/**
 * One optimistic write into the cached bundles of a context (those whose params include
 * `params`, or all of them): `member`'s value set, or one item of a list member upserted by
 * `id`, exactly as the server's `merge`. `value` may be computed from the member's current value.
 */
export type OptimisticUpdate<R extends AnyRouter> = {
  [C in ContextNames<R>]: {
    [M in MemberKeys<R, C>]: {
      context: C
      params?: Partial<ContextParams<R, C>>
      member: M
      value: MergeValue<OutputOf<R, M>> | ((current: OutputOf<R, M>) => MergeValue<OutputOf<R, M>>)
    }
  }[MemberKeys<R, C>]
}[ContextNames<R>]

export interface MizanMutationHookOptions<R extends AnyRouter, K extends CallableKeys<R>> {
  /**
   * Writes shown at once, before the server answers; rolled back if the call fails, and replaced
   * by the server's own merge/invalidate when it succeeds (what it does not mention is refetched).
   */
  optimistic?: (input: MutationVariables<InputOf<R, K>>) => OptimisticUpdate<R> | readonly OptimisticUpdate<R>[]
}

export type MemberHooks<R extends AnyRouter> = {
  [K in AnyMemberKeys<R> as `use${Capitalize<NotFormHook<K>>}`]: () => OutputOf<R, K>
}

type RequiredParamNames<P> = { [K in keyof P]-?: {} extends Pick<P, K> ? never : K }[keyof P]

/**
 * A context hook's signature. With required params it is two overloads: the first takes no
 * argument and a `this` no caller has, so `useUserContext()` fails with a message naming the
 * missing params (TypeScript's own "Expected 1 arguments" names none); the second is the hook.
 */
export type ContextHook<R extends AnyRouter, C extends string, Hook extends string, Result> =
  HasRequiredParams<R, C> extends true
    ? { (this: MissingParams<Hook, RequiredParamNames<ContextParams<R, C>>>): never; (params: ContextParams<R, C>): Result }
    : (params?: ContextParams<R, C>) => Result

export type ContextHooks<R extends AnyRouter> = {
  [C in ContextNames<R> as `use${PascalCase<C>}Context`]: ContextHook<R, C, `use${PascalCase<C>}Context`, UseQueryResult<ContextBundle<R, C>, MizanError>>
}

/**
 * `useSuspense<Name>Context(params)`: the bundle through `useSuspenseQuery`, so the nearest
 * `<Suspense>` shows its fallback while it loads and `data` is never `undefined`.
 */
export type SuspenseContextHooks<R extends AnyRouter> = {
  [C in ContextNames<R> as `useSuspense${PascalCase<C>}Context`]: ContextHook<
    R,
    C,
    `useSuspense${PascalCase<C>}Context`,
    UseSuspenseQueryResult<ContextBundle<R, C>, MizanError>
  >
}

export type ContextProviders<R extends AnyRouter> = {
  [C in ContextNames<R> as `${PascalCase<C>}Context`]: FC<ContextProviderProps<R, C>>
}

/** Everything `createMizanReact<R>()` returns; every hook and provider name is derived from `R`. */
export type MizanReact<R extends AnyRouter> = MizanReactCore<R> &
  FunctionHooks<R> &
  MemberHooks<R> &
  ContextHooks<R> &
  SuspenseContextHooks<R> &
  InfiniteHooks<R> &
  ContextProviders<R> &
  FormHooks<R>
