import { checkStreamOptions } from './streaming/stream-rules.ts'
import type { AnySchema, FunctionOptionFacts, SchemaArg, SchemaInput, SchemaOutput } from '../shared/types.ts'
import type { AnyMiddleware, Middleware } from './middleware.ts'
import type { ErrorSetLike } from './typed-errors.ts'

/** The identity a server function sees. Apps extend it with their own fields. */
export interface MizanUser {
  id: string | number
  isStaff?: boolean
  isSuperuser?: boolean
}

/** What a handler receives beside its parsed input. */
export interface RequestContext<TUser extends MizanUser = MizanUser> {
  user: TUser | null
  headers: Headers
  /** The adapter's own request object (node `IncomingMessage`, Fetch `Request`, or `undefined` in a caller). */
  raw: unknown
  signal: AbortSignal
  /** Route params of a view function (`/profile/<id>/` → `{ id }`). */
  routeParams: Record<string, string>
  /** Headers to add to the HTTP response, e.g. `Set-Cookie` from a login function. */
  responseHeaders: Headers
}

export type AuthRequirement<TUser extends MizanUser = MizanUser, TCtx extends object = {}> =
  | true
  | 'staff'
  | 'superuser'
  | ((ctx: RequestContext<TUser> & TCtx) => boolean | Promise<boolean>)

/** A mutation may affect whole contexts by name, or the context (or query) of a given function. */
export type AffectsTarget = string | AnyServerFunction

/** Options every server function may take. */
export interface FunctionOptions {
  /** Schema of the input (any Standard Schema); the handler gets what it parses. */
  input?: SchemaArg | undefined
  /** Schema of the result: the handler returns what it takes in, clients receive what it parses. */
  output?: SchemaArg | undefined
  /** Wire name override; by default the router key in snake_case. */
  name?: string | undefined
  websocket?: boolean
  /** Registered but never callable by clients (403). */
  private?: boolean
  /** Cache revision of a context member: bumping it busts cached bundles. */
  rev?: number
  /** Bundle cache policy: `true` forever, `false` never, a number is a TTL in seconds. */
  cache?: number | boolean
  /** Longest the handler may run, in ms, before the call answers 504 (default: the adapter's `timeoutMs`). */
  timeout?: number
  /** A view function: mounted at this path under the prefix, answers with a raw `Response`. */
  route?: string | undefined
  methods?: readonly string[]
  /** The errors the handler may throw beside the protocol's own (`defineErrors`); the client's error type lists them. */
  errors?: ErrorSetLike
}

/** Options of a plain function or mutation: it may invalidate or merge into contexts. */
export interface MutationOptions<TUser extends MizanUser = MizanUser, TCtx extends object = {}> extends FunctionOptions {
  context?: false | undefined
  affects?: AffectsTarget | readonly AffectsTarget[]
  merge?: string | readonly string[]
  auth?: AuthRequirement<TUser, TCtx>
}

/**
 * What `affects`/`merge` accept beside `context`: nothing. Spelled as the sentence TypeScript
 * then prints ("not assignable to type '…mutually exclusive…'") instead of `undefined`.
 */
export type ContextExcludesAffects = '`context` and `affects`/`merge` are mutually exclusive: a context member only reads; invalidate it from a mutation with affects'

/** Options of a context reader (a context member): it never invalidates or merges. */
export interface ContextReaderOptions<TUser extends MizanUser = MizanUser, TCtx extends object = {}> extends FunctionOptions {
  context: string
  affects?: ContextExcludesAffects
  merge?: ContextExcludesAffects
  auth?: AuthRequirement<TUser, TCtx>
}

/** A context reader never invalidates or merges: the types forbid mixing them. */
export type DefineClientOptions<TUser extends MizanUser = MizanUser, TCtx extends object = {}> = MutationOptions<TUser, TCtx> | ContextReaderOptions<TUser, TCtx>

/**
 * What a handler may return: with an output schema, what the schema takes in (or a raw
 * `Response`), or a promise of it; without one, anything (it is the output, awaited).
 */
export type HandlerResult<O extends FunctionOptions> = O['output'] extends SchemaArg
  ? SchemaInput<O['output']> | Response | Promise<SchemaInput<O['output']> | Response> | StreamResult
  : unknown

/**
 * A streamed result: its items are checked against the output schema as they leave, and typed
 * from it on the client. Not `AsyncIterable<SchemaInput<…>>`: one fixed type instead of one per
 * function keeps the type-check of a large router where it was.
 */
type StreamResult = AsyncIterable<unknown>

/** A handler: the parsed input and the request context in, its result (or a promise of it) out. */
export type Handler<TUser extends MizanUser, O extends FunctionOptions, TResult> = (input: SchemaOutput<O['input']>, ctx: RequestContext<TUser>) => TResult

/** Options after normalization: lists are lists, defaults are filled. */
export interface NormalizedOptions {
  context: string | false
  affects: readonly AffectsTarget[]
  merge: readonly string[]
  auth: AuthRequirement<MizanUser> | undefined
  input: AnySchema | undefined
  output: AnySchema | undefined
  name: string | undefined
  websocket: boolean
  private: boolean
  rev: number
  cache: number | boolean
  route: string | undefined
  methods: readonly string[]
  timeoutMs: number | undefined
  /** The handler is an `async function*`: it streams, and only to a caller that asked (streaming/stream-rules.ts). */
  stream?: boolean
  /**
   * Internal, for functions whose result wraps the mergeable value (a form's submit answers
   * `{success, data}`): picks what `output` describes, or `undefined` when nothing merges.
   */
  outputOf?: (result: unknown) => unknown
  /** Middleware run around the handler, outermost first (`defineClient.use(...)`). */
  middleware?: readonly AnyMiddleware[]
  /** The declared errors (`defineErrors`): any other declared error the function throws is an internal error. */
  errors?: ErrorSetLike
}

/**
 * A server function. Its type carries the options it was defined with, as written, and what its
 * handler returns (see `FunctionTypes`): `InputOf`, `OutputOf` and the router's key filters read
 * them where a client needs them.
 */
export interface ServerFunction<TOptions extends FunctionOptionFacts = FunctionOptionFacts, TResult = unknown> {
  // A FunctionMarker, spelled out rather than extended: one type fewer per function.
  readonly '~mizan': 'function'
  readonly '~types': { options: TOptions; result: TResult }
  readonly options: NormalizedOptions
  readonly handler: (input: unknown, ctx: RequestContext<MizanUser>) => unknown
}

export type AnyServerFunction = ServerFunction<FunctionOptionFacts, unknown>

function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? (value as readonly T[]) : [value as T]
}

/**
 * `defineClient` for an app's user and request context. `use(middleware)` gives a definer whose
 * functions run it first, its context extension typed in their handlers.
 */
export interface DefineClient<TUser extends MizanUser, TCtx extends object> {
  <const O extends DefineClientOptions<TUser, TCtx>, TResult extends HandlerResult<O>>(
    options: O,
    handler: (input: SchemaOutput<O['input']>, ctx: RequestContext<TUser> & TCtx) => TResult,
  ): ServerFunction<O, TResult>
  use<TExt extends object>(middleware: Middleware<RequestContext<TUser> & TCtx, TExt>): DefineClient<TUser, TCtx & TExt>
}

/** Builds `defineClient` for an app's own user type and request context. */
export function createDefineClient<TUser extends MizanUser, TCtx extends object = {}>(chain: readonly AnyMiddleware[] = []): DefineClient<TUser, TCtx> {
  return Object.assign(
    (options: DefineClientOptions<TUser, TCtx>, handler: (input: never, ctx: never) => unknown) => defineFunction(options, handler, chain),
    { use: (middleware: AnyMiddleware) => createDefineClient([...chain, middleware]) },
  ) as unknown as DefineClient<TUser, TCtx>
}

function defineFunction(options: object, handler: (input: never, ctx: never) => unknown, chain: readonly AnyMiddleware[]): AnyServerFunction {
  const raw = options as FunctionOptions & {
    context?: string | false
    affects?: AffectsTarget | readonly AffectsTarget[]
    merge?: string | readonly string[]
    auth?: AuthRequirement<MizanUser>
  }
  if (raw.context && (raw.affects !== undefined || raw.merge !== undefined)) {
    throw new TypeError('defineClient: `context` and `affects`/`merge` are mutually exclusive')
  }
  if (raw.context === '') throw new TypeError('defineClient: `context` must be a non-empty name')
  const stream = checkStreamOptions(raw, handler)
  const normalized: NormalizedOptions = {
    context: raw.context || false,
    affects: asList(raw.affects),
    merge: asList(raw.merge),
    auth: raw.auth,
    input: raw.input as AnySchema | undefined,
    output: raw.output as AnySchema | undefined,
    name: raw.name,
    websocket: raw.websocket ?? false,
    private: raw.private ?? false,
    rev: raw.rev ?? 0,
    cache: raw.cache ?? true,
    route: raw.route,
    methods: raw.methods ?? (raw.context ? ['GET'] : ['POST']),
    timeoutMs: raw.timeout,
    ...(stream ? { stream } : {}),
  }
  if (chain.length) normalized.middleware = chain
  if (raw.errors) {
    if (typeof raw.errors !== 'object' || typeof raw.errors['~errors'] !== 'object') throw new TypeError('defineClient: `errors` must be a set from defineErrors()')
    normalized.errors = raw.errors
  }
  return {
    '~mizan': 'function',
    // Phantom: carries types only, never read at runtime.
    '~types': undefined as never,
    options: normalized,
    handler: handler as unknown as ServerFunction['handler'],
  }
}

/**
 * `defineClient` for the default user shape; use `createMizan<User>()` for your own. Its call
 * signature is a plain generic function mentioning no outer type parameter, so a router of
 * thousands of functions pays no extra instantiation per call.
 */
function defineDefaultClient<const O extends DefineClientOptions<MizanUser>, TResult extends HandlerResult<O>>(
  options: O,
  // Handler<MizanUser, O, TResult>, written out: the alias costs an instantiation per function.
  handler: (input: SchemaOutput<O['input']>, ctx: RequestContext<MizanUser>) => TResult,
): ServerFunction<O, TResult> {
  return defineFunction(options, handler, []) as ServerFunction<O, TResult>
}

export const defineClient: typeof defineDefaultClient & Pick<DefineClient<MizanUser, {}>, 'use'> = Object.assign(defineDefaultClient, {
  use: (middleware: Middleware<RequestContext<MizanUser>, object>) => createDefineClient<MizanUser>([middleware as AnyMiddleware]),
}) as typeof defineDefaultClient & Pick<DefineClient<MizanUser, {}>, 'use'>
