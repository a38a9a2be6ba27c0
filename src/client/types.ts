import type { InvalidateEntry, MergeEntry } from '../shared/protocol.ts'
import type {
  AnyRouter,
  CallArgs,
  CallableKeys,
  ContextNames,
  ContextParams,
  HasRequiredParams,
  InputOf,
  OutputOf,
} from '../shared/types.ts'
import type { Dialect } from '../shared/protocol.ts'

/** What a successful call brings back besides its result: the cache consequences. */
export interface CallOutcome<T> {
  result: T
  invalidate: InvalidateEntry[]
  merge: MergeEntry[]
}

export interface CallOptions {
  signal?: AbortSignal
  headers?: HeadersInit
}

export interface ContextOptions {
  signal?: AbortSignal
}

/** A context bundle as it travels: member wire name → that member's result. */
export type WireBundle = Record<string, unknown>

/** `CallArgs` plus the per-call options, which can only come after the input slot. */
export type CallParameters<TInput> =
  CallArgs<TInput> extends [input: infer I]
    ? [input: I, options?: CallOptions]
    : CallArgs<TInput> extends [input?: infer I]
      ? [input?: I, options?: CallOptions]
      : never

export type ContextParameters<R extends AnyRouter, C extends string> =
  HasRequiredParams<R, C> extends true
    ? [params: ContextParams<R, C>, options?: ContextOptions]
    : [params?: ContextParams<R, C>, options?: ContextOptions]

/** The framework-free client: one object per backend, typed by the router alone. */
export interface MizanClient<R extends AnyRouter> {
  /** The resolved mount, without a trailing slash. */
  readonly baseUrl: string
  readonly dialect: Dialect
  /** POST `{baseUrl}/call/`. Never retried: a call may have side effects. */
  call<K extends CallableKeys<R>>(key: K, ...args: CallParameters<InputOf<R, K>>): Promise<CallOutcome<OutputOf<R, K>>>
  /** GET `{baseUrl}/ctx/<name>/`: the bundle keyed by wire name. Retried on network errors and 5xx. */
  context<C extends ContextNames<R>>(name: C, ...args: ContextParameters<R, C>): Promise<WireBundle>
  /** GET `{baseUrl}/session/`: sets the CSRF cookie and returns the token. */
  session(): Promise<string>
  wireName(key: keyof R['defs'] & string): string
  keyOf(wire: string): string
}

/**
 * The same client without router types, for code that is generic over routers (the React
 * layer). Not part of the typed surface users see.
 */
export interface UntypedMizanClient {
  readonly baseUrl: string
  readonly dialect: Dialect
  call(key: string, input?: unknown, options?: CallOptions): Promise<CallOutcome<unknown>>
  context(name: string, params?: Record<string, unknown>, options?: ContextOptions): Promise<WireBundle>
  session(): Promise<string>
  wireName(key: string): string
  keyOf(wire: string): string
}

/** Drop the router types; every `MizanClient` is an `UntypedMizanClient` at runtime. */
export function untyped<R extends AnyRouter>(client: MizanClient<R>): UntypedMizanClient {
  return client as unknown as UntypedMizanClient
}
