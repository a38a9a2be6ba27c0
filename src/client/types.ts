import type { InvalidateEntry, MergeEntry } from '../shared/protocol.ts'
import type {
  AnyRouter,
  CallArgs,
  ContextNames,
  ContextParams,
  HasRequiredParams,
  InputOf,
  OutputOf,
} from '../shared/types.ts'
import type { Dialect } from '../shared/protocol.ts'
import type { CallableKeyCheck } from '../shared/type-errors.ts'
import type { CookieStore } from './cookies.ts'
import type { MizanClientOptions } from './options.ts'
import type { SocketLink } from './ws/realtime-types.ts'


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
  /**
   * POST `{baseUrl}/call/`. Never retried: a call may have side effects. The key is checked
   * against its own entry (`CallableKey`), not against the union of every callable key, which
   * would cost a pass over all of a router's keys. A key that is not callable (a context
   * member, a private or view function) fails with a message naming what to use instead.
   */
  call<K extends keyof R['defs'] & string>(key: K & CallableKeyCheck<R, K>, ...args: CallParameters<InputOf<R, K>>): Promise<CallOutcome<OutputOf<R, K>>>
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
  /**
   * One raw HTTP exchange with `{baseUrl}{path}` (the client's headers, CSRF, cookies), the
   * response unread: what the opt-in entries (`mizan-ts/client/stream`, batching) send through.
   */
  request(path: string, headers: (HeadersInit | undefined)[], body?: BodyInit, signal?: AbortSignal): Promise<Response>
  wireName(key: string): string
  keyOf(wire: string): string
  /** The client's one socket, when a transport was plugged in (`websocket.connect`); it opens on first use. */
  readonly socket: SocketLink | undefined
}

/** A response as the kernel reads it, from HTTP or a socket: the body, its status, superjson metadata, the HTTP response. */
export interface Answer {
  body: unknown
  status: number
  meta?: unknown
  response?: Response
}

/** What a socket transport gets from the kernel it extends, to send and read requests as the kernel does. */
export interface KernelParts {
  options: MizanClientOptions<AnyRouter>
  /** Sent as `?client=` on the socket, so live invalidation skips this client's own changes. */
  clientId: string
  cookies: CookieStore
  /** A call's `{fn, args, meta?}`, encoded by the transformer if any. */
  payload(key: string, input: unknown): Record<string, unknown>
  /** A call's answer as its outcome: checked, decoded, with its invalidate/merge entries. */
  outcome(answer: Answer): CallOutcome<unknown>
  /** A context read's answer as the bundle: checked and decoded. */
  bundle(answer: Answer, name: string): WireBundle
}

/**
 * A socket transport, plugged in with `websocket: { connect }`: it gets the HTTP client and
 * returns it with its socket, carrying the requests the client's `transport` routes to it.
 * `webSocketTransport` (`mizan-ts/client/ws`) is the one Mizan ships.
 */
export type SocketConnector = (client: UntypedMizanClient, kernel: KernelParts) => UntypedMizanClient

/** Drop the router types; every `MizanClient` is an `UntypedMizanClient` at runtime. */
export function untyped<R extends AnyRouter>(client: MizanClient<R>): UntypedMizanClient {
  return client as unknown as UntypedMizanClient
}
