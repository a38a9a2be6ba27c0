import type { AnySchema, FunctionMarker, SchemaArg, SchemaInput, SchemaOutput } from '../shared/types.ts'

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

export type AuthRequirement<TUser extends MizanUser = MizanUser> =
  | true
  | 'staff'
  | 'superuser'
  | ((ctx: RequestContext<TUser>) => boolean | Promise<boolean>)

/** A mutation may affect whole contexts by name, or the context (or query) of a given function. */
export type AffectsTarget = string | AnyServerFunction

interface CommonOptions<TIn, TOut, TName, TPrivate = boolean, TRoute = string | undefined> {
  input?: TIn
  output?: TOut
  /** Wire name override; by default the router key in snake_case. */
  name?: TName
  websocket?: boolean
  /** Registered but never callable by clients (403). */
  private?: TPrivate
  /** Cache revision of a context member: bumping it busts cached bundles. */
  rev?: number
  /** Bundle cache policy: `true` forever, `false` never, a number is a TTL in seconds. */
  cache?: number | boolean
  /** Longest the handler may run, in ms, before the call answers 504 (default: the adapter's `timeoutMs`). */
  timeout?: number
  /** A view function: mounted at this path under the prefix, answers with a raw `Response`. */
  route?: TRoute
  methods?: string[]
}

/** A context reader never invalidates or merges: the types forbid mixing them. */
type ContextPart<TCtx> = { context?: TCtx } & (TCtx extends string
  ? { affects?: never; merge?: never }
  : { affects?: AffectsTarget | readonly AffectsTarget[]; merge?: string | readonly string[] })

export type DefineClientOptions<TUser extends MizanUser, TCtx, TIn, TOut, TName, TPrivate = boolean, TRoute = string | undefined> = CommonOptions<
  TIn,
  TOut,
  TName,
  TPrivate,
  TRoute
> &
  ContextPart<TCtx> & { auth?: AuthRequirement<TUser> }

export type HandlerResult<TOut> = TOut extends SchemaArg ? SchemaInput<TOut> | Response : unknown

export type Handler<TUser extends MizanUser, TIn, TResult> = (
  input: SchemaOutput<TIn>,
  ctx: RequestContext<TUser>,
) => TResult | Promise<TResult>

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
  /**
   * Internal, for functions whose result wraps the mergeable value (a form's submit answers
   * `{success, data}`): picks what `output` describes, or `undefined` when nothing merges.
   */
  outputOf?: (result: unknown) => unknown
}

/**
 * A server function. Its type carries its schemas and its handler's result as they are (see
 * `FunctionTypes`): `InputOf`/`OutputOf` read them where a caller needs them.
 */
export interface ServerFunction<
  TIn = unknown,
  TOut = unknown,
  TResult = unknown,
  TCtx extends string | false = string | false,
  TName extends string | undefined = string | undefined,
  TView extends boolean = boolean,
  TPrivate extends boolean = boolean,
> extends FunctionMarker<{ input: TIn; output: TOut; result: TResult; context: TCtx; name: TName; view: TView; private: TPrivate }> {
  readonly options: NormalizedOptions
  readonly handler: (input: unknown, ctx: RequestContext<MizanUser>) => unknown
}

export type AnyServerFunction = ServerFunction<unknown, unknown, unknown, string | false, string | undefined, boolean, boolean>

function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? (value as readonly T[]) : [value as T]
}

/** Builds `defineClient` for an app's own user type. */
export function createDefineClient<TUser extends MizanUser>() {
  return function defineClient<
    const TCtx extends string | false = false,
    TIn extends SchemaArg | undefined = undefined,
    TOut extends SchemaArg | undefined = undefined,
    const TName extends string | undefined = undefined,
    TResult extends HandlerResult<TOut> = HandlerResult<TOut>,
    const TPrivate extends boolean = false,
    const TRoute extends string | undefined = undefined,
  >(
    options: DefineClientOptions<TUser, TCtx, TIn, TOut, TName, TPrivate, TRoute>,
    handler: Handler<TUser, TIn, TResult>,
  ): ServerFunction<
    TIn,
    TOut,
    TResult,
    TCtx extends string ? TCtx : false,
    TName,
    // A view is a function mounted at a route; a raw Response from a plain function is still callable.
    TRoute extends string ? true : false,
    TPrivate
  > {
    const raw = options as CommonOptions<AnySchema, AnySchema, string, boolean, string> & {
      context?: string | false
      affects?: AffectsTarget | readonly AffectsTarget[]
      merge?: string | readonly string[]
      auth?: AuthRequirement<TUser>
    }
    if (raw.context && (raw.affects !== undefined || raw.merge !== undefined)) {
      throw new TypeError('defineClient: `context` and `affects`/`merge` are mutually exclusive')
    }
    if (raw.context === '') throw new TypeError('defineClient: `context` must be a non-empty name')
    const normalized: NormalizedOptions = {
      context: raw.context || false,
      affects: asList(raw.affects),
      merge: asList(raw.merge),
      auth: raw.auth as AuthRequirement<MizanUser> | undefined,
      input: raw.input,
      output: raw.output,
      name: raw.name,
      websocket: raw.websocket ?? false,
      private: raw.private ?? false,
      rev: raw.rev ?? 0,
      cache: raw.cache ?? true,
      route: raw.route,
      methods: raw.methods ?? (raw.context ? ['GET'] : ['POST']),
      timeoutMs: raw.timeout,
    }
    return {
      '~mizan': 'function',
      // Phantom: carries types only, never read at runtime.
      '~types': undefined as never,
      options: normalized,
      handler: handler as unknown as ServerFunction['handler'],
    }
  }
}

/** `defineClient` for the default user shape; use `createMizan<User>()` for your own. */
export const defineClient = createDefineClient<MizanUser>()
