import type { QueryClient, QueryKeyWithDataTag, UseMutationOptions, UseMutationResult, UseQueryOptions, UseQueryResult } from '@tanstack/react-query'
import type { FC, ReactNode } from 'react'
import type { MizanError } from '../../shared/errors.ts'
import type {
  AnyMemberKeys,
  AnyRouter,
  CallArgs,
  CallableKeys,
  ContextBundle,
  ContextNames,
  ContextParams,
  ErrorOf,
  HasRequiredParams,
  InputOf,
  OutputOf,
  PascalCase,
} from '../../shared/types.ts'
import type { BaseClientOptions, WireNamesOption } from '../options.ts'
import type { MizanClient, WireBundle } from '../types.ts'
import type { MizanProviderProps } from './mizan-provider.tsx'
import type { CallQueryKey, ContextQueryKey } from './query-keys.ts'
import type { ErrorFallback } from './scope-gate.tsx'
import type { FormHooks } from './form-types.ts'

/** Kernel options minus `baseUrl`, which `<MizanContext>` takes. */
export type MizanReactOptions<R extends AnyRouter> = Omit<BaseClientOptions, 'baseUrl'> & WireNamesOption<R>

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

/** The cached value is the wire bundle; `select` hands out the router-keyed one. */
export type MizanContextQueryOptions<R extends AnyRouter, C extends string> = UseQueryOptions<
  WireBundle,
  MizanError,
  ContextBundle<R, C>,
  ContextQueryKey
> &
  QueryKeyWithDataTag<ContextQueryKey, WireBundle, MizanError>

export type MizanCallQueryOptions<R extends AnyRouter, K extends CallableKeys<R>> = UseQueryOptions<
  OutputOf<R, K>,
  ErrorOf<R, K>,
  OutputOf<R, K>,
  CallQueryKey
> &
  QueryKeyWithDataTag<CallQueryKey, OutputOf<R, K>, ErrorOf<R, K>>

export interface MizanQueryOptionsFactory<R extends AnyRouter> {
  context<C extends ContextNames<R>>(name: C, ...params: ContextParamsArgs<R, C>): MizanContextQueryOptions<R, C>
  call<K extends CallableKeys<R>>(key: K, ...args: CallArgs<InputOf<R, K>>): MizanCallQueryOptions<R, K>
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
}

/** `use<Key>Form` always names a form, so a key ending in `Form` gets no function or member hook. */
type NotFormHook<K extends string> = K extends `${string}Form` ? never : K

export type FunctionHooks<R extends AnyRouter> = {
  [K in CallableKeys<R> as `use${Capitalize<NotFormHook<K>>}`]: () => MizanMutationResult<R, K>
}

export type MemberHooks<R extends AnyRouter> = {
  [K in AnyMemberKeys<R> as `use${Capitalize<NotFormHook<K>>}`]: () => OutputOf<R, K>
}

export type ContextHooks<R extends AnyRouter> = {
  [C in ContextNames<R> as `use${PascalCase<C>}Context`]: (
    ...params: ContextParamsArgs<R, C>
  ) => UseQueryResult<ContextBundle<R, C>, MizanError>
}

export type ContextProviders<R extends AnyRouter> = {
  [C in ContextNames<R> as `${PascalCase<C>}Context`]: FC<ContextProviderProps<R, C>>
}

/** Everything `createMizanReact<R>()` returns; every hook and provider name is derived from `R`. */
export type MizanReact<R extends AnyRouter> = MizanReactCore<R> & FunctionHooks<R> & MemberHooks<R> & ContextHooks<R> & ContextProviders<R> & FormHooks<R>
