import { CLIENT_ID_HEADER, isClientId } from '../shared/protocol.ts'
/**
 * The transport-neutral steps of a dispatcher: identity, calling a function (invalidate, merge,
 * origin-cache purge, `onInvalidate`), and context bundles. The HTTP routes (dispatch.ts) and
 * the WebSocket adapter both go through it, so a call means the same thing on either.
 */
import superjson from 'superjson'
import { MizanError } from '../shared/errors.ts'
import type { CallSuccessBody, InvalidateEntry, MergeEntry } from '../shared/protocol.ts'
import { resolveCacheOptions } from './cache/cache-settings.ts'
import { cacheUserId, ContextCache, type CacheOutcome } from './cache/context-cache.ts'
import type { MizanUser, RequestContext } from './defineClient.ts'
import type { DispatchOptions, MizanRequest } from './dispatch-types.ts'
import { executeFunction, executeMaybeSync, type ErrorReporter } from './execute.ts'
import { resolveInvalidation, resolveMerges } from './invalidation.ts'
import type { AnyServerRouter, RegisteredContext, RegisteredFunction } from './router.ts'
import { authorizeContextRead, memberParams, type ContextRead } from './context-access.ts'
import { isResponse } from './is-response.ts'
import { isStreamSource, StreamItems } from './streaming/stream-source.ts'
import { assignAppContext } from './app-context.ts'
import { stringifyJson } from '../shared/exact-json.ts'

/** A call's outcome before it meets a transport: the success body, or the raw Response a function answered with. */
export interface Invocation {
  body: CallSuccessBody
  response?: Response
  invalidate: InvalidateEntry[]
  /**
   * A streamed result: its items, and `settle` to run once it ended (the origin-cache purge and
   * live notice of a streaming mutation wait for its last item).
   */
  stream?: { items: StreamItems; settle(): void }
}

/** The transport-neutral steps of a dispatcher, shared by the HTTP handlers and the WebSocket adapter. */
export interface DispatchCore {
  requestContext(req: MizanRequest): Promise<RequestContext<MizanUser>>
  /** `requestContext` without a promise when there is no user resolver. */
  requestContextMaybeSync(req: MizanRequest): RequestContext<MizanUser> | Promise<RequestContext<MizanUser>>
  /** Execute a looked-up function; invalidate, merge, purge the origin cache and notify `onInvalidate`. */
  invoke(reg: RegisteredFunction, rawArgs: unknown, meta: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean): Promise<Invocation>
  /** `invoke` without a promise when everything on the way is synchronous; may throw synchronously. */
  invokeMaybeSync(reg: RegisteredFunction, rawArgs: unknown, meta: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean): Invocation | Promise<Invocation>
  /** A context bundle as JSON text, through the origin cache when there is one. */
  contextText(ctxDef: RegisteredContext, params: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<{ body: string; outcome: CacheOutcome }>
  /** May `ctx` read this bundle (members' auth, params, the context's `authorize`)? Throws the protocol's error if not. */
  authorizeRead(ctxDef: RegisteredContext, params: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<ContextRead>
  /** A context bundle computed afresh (no cache). */
  bundle(ctxDef: RegisteredContext, params: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<Record<string, unknown>>
}

/** The core, plus what only the HTTP routes reach past it for: view routes run a function with route params. */
export interface DispatchCoreParts {
  core: DispatchCore
  requestContext(req: MizanRequest, routeParams?: Record<string, string>): Promise<RequestContext<MizanUser>>
  execute(reg: RegisteredFunction, args: unknown, ctx: RequestContext<MizanUser>): Promise<unknown>
  /** `requestContext` without a promise when there is no user resolver. */
  requestContextMaybeSync(req: MizanRequest): RequestContext<MizanUser> | Promise<RequestContext<MizanUser>>
  /** `core.invoke` without a promise when everything on the way is synchronous; may throw synchronously. */
  invokeMaybeSync(reg: RegisteredFunction, rawArgs: unknown, meta: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean): Invocation | Promise<Invocation>
  report: ErrorReporter
}

export const defaultReporter: ErrorReporter = (error, where) => console.error(`[mizan] ${where.fn}:`, error)

/** The app's `onError`, kept from throwing: it runs inside catch blocks and callbacks where a throw would go unhandled. */
export function safeReporter(onError: ErrorReporter | undefined): ErrorReporter {
  if (!onError) return defaultReporter
  return (error, where) => {
    try {
      onError(error, where)
    } catch (failure) {
      defaultReporter(failure, { fn: `onError while reporting ${where.fn}` })
    }
  }
}

export function createDispatchCore<TUser extends MizanUser>(router: AnyServerRouter, options: DispatchOptions<TUser>): DispatchCoreParts {
  const report = safeReporter(options.onError)
  const timeoutMs = options.timeoutMs ?? 30_000
  const cacheOptions = resolveCacheOptions(options.cache, options.dialect)
  const cache = cacheOptions ? new ContextCache(cacheOptions) : undefined

  const appContext = router.requestContext

  async function requestContext(req: MizanRequest, routeParams: Record<string, string> = {}): Promise<RequestContext<MizanUser>> {
    const user = options.resolveUser ? await options.resolveUser(req) : null
    const ctx = contextOf(req, user, routeParams)
    // The app's own keys go onto the request's context; the framework's keep their meaning.
    if (appContext) assignAppContext(ctx, await appContext(req, { user }))
    return ctx
  }

  /** `requestContext` without a promise when there is no user resolver nor app context. */
  function requestContextMaybeSync(req: MizanRequest): RequestContext<MizanUser> | Promise<RequestContext<MizanUser>> {
    return options.resolveUser || appContext ? requestContext(req) : contextOf(req, null, {})
  }

  function execute(reg: RegisteredFunction, args: unknown, ctx: RequestContext<MizanUser>): Promise<unknown> {
    return executeFunction(reg, args, ctx, report, options.coercion, timeoutMs)
  }

  function notify(reg: RegisteredFunction, invalidate: InvalidateEntry[], merge: MergeEntry[], ctx: RequestContext<MizanUser>): void {
    const listener = options.onInvalidate
    if (!listener || (!invalidate.length && !merge.length)) return
    void Promise.resolve()
      .then(() => {
        const origin = ctx.headers.get(CLIENT_ID_HEADER)
        return listener({ fn: reg.wireName, invalidate, merge, user: ctx.user, ...(isClientId(origin) ? { origin } : {}) })
      })
      .catch((error: unknown) => report(error, { fn: reg.wireName }))
  }

  async function invoke(reg: RegisteredFunction, rawArgs: unknown, meta: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean): Promise<Invocation> {
    return invokeMaybeSync(reg, rawArgs, meta, ctx, wantsMeta)
  }

  /** `invoke` without a promise when the function, its schemas and the purge are all synchronous; may throw. */
  function invokeMaybeSync(reg: RegisteredFunction, rawArgs: unknown, meta: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean): Invocation | Promise<Invocation> {
    const args = meta !== undefined && rawArgs !== undefined ? deserializeArgs(rawArgs, meta) : rawArgs
    const result = executeMaybeSync(reg, args, ctx, report, options.coercion, timeoutMs)
    return result instanceof Promise ? result.then((r: unknown) => invoked(reg, args, ctx, wantsMeta, r)) : invoked(reg, args, ctx, wantsMeta, result)
  }

  function invoked(reg: RegisteredFunction, args: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean, result: unknown): Invocation | Promise<Invocation> {
    // A refused form submit changed nothing: no invalidation, merge, purge or live notice.
    const refused = reg.fn.options.outputOf !== undefined && reg.fn.options.outputOf(result) === undefined
    const invalidate = refused ? [] : resolveInvalidation(router, reg, args)
    // A Blob (or File) is a download: its bytes with its type, as a Response would send them.
    if (isBlob(result)) result = blobResponse(result)
    if (isStreamSource(result)) {
      const body: CallSuccessBody = { result: null }
      if (invalidate.length) body.invalidate = invalidate
      const settle = () => {
        const purged = cache && invalidate.length ? cache.purge(router, invalidate, userIdOf(ctx)) : Promise.resolve()
        purged.then(() => notify(reg, invalidate, [], ctx)).catch((error: unknown) => report(error, { fn: reg.wireName }))
      }
      return { body, invalidate, stream: { items: new StreamItems(result, reg, report), settle } }
    }
    if (isResponse(result)) {
      const body: CallSuccessBody = { result: null }
      if (invalidate.length) body.invalidate = invalidate
      const invocation: Invocation = { body, response: result, invalidate }
      if (cache && invalidate.length) return cache.purge(router, invalidate, userIdOf(ctx)).then(() => notified(reg, invocation, [], ctx))
      return notified(reg, invocation, [], ctx)
    }
    const payload: CallSuccessBody = { result }
    if (wantsMeta) {
      const { json, meta: outMeta } = superjson.serialize(result)
      payload.result = json
      if (outMeta) payload.meta = outMeta
    }
    if (invalidate.length) payload.invalidate = invalidate
    const merges = resolveMerges(router, reg, args, payload.result)
    if (merges.length) payload.merge = merges
    const invocation: Invocation = { body: payload, invalidate }
    if (cache && (invalidate.length || merges.length)) return cache.purge(router, [...invalidate, ...merges], userIdOf(ctx)).then(() => notified(reg, invocation, merges, ctx))
    return notified(reg, invocation, merges, ctx)
  }

  function notified(reg: RegisteredFunction, invocation: Invocation, merges: MergeEntry[], ctx: RequestContext<MizanUser>): Invocation {
    notify(reg, invocation.invalidate, merges, ctx)
    return invocation
  }

  /**
   * Members run one after another in member order, as the reference runs them, and the first
   * failure ends the read: the members after it never run (their side effects never happen).
   * A Promise only when a member is async.
   */
  function bundleOf(ctxDef: RegisteredContext, query: Record<string, unknown>, ctx: RequestContext<MizanUser>): Record<string, unknown> | Promise<Record<string, unknown>> {
    const members = ctxDef.members
    const settled: Settled[] = new Array(members.length)
    const runFrom = (start: number): Record<string, unknown> | Promise<Record<string, unknown>> => {
      for (let i = start; i < members.length; i++) {
        const member = members[i] as RegisteredFunction
        const value = executeMaybeSync(member, memberParams(member, query), ctx, report, options.coercion, timeoutMs)
        if (value instanceof Promise) {
          return value.then((v: unknown) => {
            settled[i] = { ok: true, value: v }
            return runFrom(i + 1)
          })
        }
        settled[i] = { ok: true, value }
      }
      return assembleBundle(ctxDef, settled)
    }
    return runFrom(0)
  }

  /** Auth, params and `authorize` (context-access.ts) first: a cached bundle never skips them. */
  async function contextText(ctxDef: RegisteredContext, params: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<{ body: string; outcome: CacheOutcome }> {
    const read = await authorizeContextRead(ctxDef, params, ctx, { report, coercion: options.coercion })
    const compute = async () => {
      const bundle = bundleOf(ctxDef, params, ctx)
      return stringifyJson(bundle instanceof Promise ? await bundle : bundle)
    }
    if (!cache) return { body: await compute(), outcome: 'BYPASS' }
    // Keyed on the parsed, declared params (context-access.ts): HTTP, WebSocket share entries, junk params add none.
    return cache.fetch(ctxDef, { params: read.params, raw: params, variants: read.variants }, userIdOf(ctx), compute)
  }

  async function bundle(ctxDef: RegisteredContext, params: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<Record<string, unknown>> {
    await authorizeContextRead(ctxDef, params, ctx, { report, coercion: options.coercion })
    return bundleOf(ctxDef, params, ctx)
  }

  return {
    core: {
      requestContext: (req) => requestContext(req),
      requestContextMaybeSync,
      invoke,
      invokeMaybeSync,
      contextText,
      bundle,
      authorizeRead: (ctxDef, params, ctx) => authorizeContextRead(ctxDef, params, ctx, { report, coercion: options.coercion }),
    },
    requestContext,
    requestContextMaybeSync,
    invokeMaybeSync,
    execute,
    report,
  }
}

/** Where `contextOf` keeps `responseHeaders` once a handler has asked for them (or set them). */
export const RESPONSE_HEADERS: unique symbol = Symbol('mizan.responseHeaders')

/**
 * The context a handler sees. `signal` is read through, not copied: an adapter may create its
 * AbortSignal only when a handler first asks for it; `responseHeaders` is made on first use.
 * A class, not a literal with accessors: no closures per request, and one shape for V8.
 */
class HandlerContext implements RequestContext<MizanUser> {
  [RESPONSE_HEADERS]: Headers | undefined = undefined
  private ownSignal: AbortSignal | undefined = undefined
  readonly headers: Headers
  readonly raw: unknown

  constructor(
    private readonly req: MizanRequest,
    public user: MizanUser | null,
    public routeParams: Record<string, string>,
  ) {
    this.headers = req.headers
    this.raw = req.raw
  }

  get signal(): AbortSignal {
    return this.ownSignal ?? this.req.signal
  }

  set signal(value: AbortSignal) {
    this.ownSignal = value
  }

  get responseHeaders(): Headers {
    return (this[RESPONSE_HEADERS] ??= new Headers())
  }

  set responseHeaders(value: Headers) {
    this[RESPONSE_HEADERS] = value
  }
}

function contextOf(req: MizanRequest, user: MizanUser | null, routeParams: Record<string, string>): RequestContext<MizanUser> {
  return new HandlerContext(req, user, routeParams)
}

export type Settled = { ok: true; value: unknown } | { ok: false; error: unknown }

/** Members in wire-name order, worked out once per context. */
const bundleOrder = new WeakMap<RegisteredContext, readonly (readonly [string, number])[]>()

/** The bundle as HTTP serves (and caches) it: members in wire-name order, a Response as `null`. */
export function assembleBundle(ctxDef: RegisteredContext, settled: Settled[]): Record<string, unknown> {
  for (const outcome of settled) if (!outcome.ok) throw outcome.error
  let order = bundleOrder.get(ctxDef)
  if (!order) {
    order = ctxDef.members.map((m, i) => [m.wireName, i] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    bundleOrder.set(ctxDef, order)
  }
  const bundle: Record<string, unknown> = {}
  for (const [wireName, index] of order) {
    const value = (settled[index] as Settled & { ok: true }).value
    bundle[wireName] = isResponse(value) ? null : value
  }
  return bundle
}

function userIdOf(ctx: RequestContext<MizanUser>): string | null {
  return cacheUserId(ctx.user)
}

/** As `isResponse`: a plain object or array, nearly every result, is ruled out without the global's getter. */
function isBlob(value: unknown): value is Blob {
  if (typeof value !== 'object' || value === null) return false
  const made: unknown = (value as { constructor?: unknown }).constructor
  return made !== Object && made !== Array && value instanceof Blob
}

function blobResponse(blob: Blob): Response {
  const headers: Record<string, string> = { 'Content-Type': blob.type || 'application/octet-stream' }
  if (blob instanceof File && blob.name) headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(blob.name)}`
  return new Response(blob, { headers })
}

function deserializeArgs(json: unknown, meta: unknown): unknown {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new MizanError('BAD_REQUEST', 'Malformed superjson metadata')
  try {
    return superjson.deserialize({ json: json as never, meta: meta as never })
  } catch {
    throw new MizanError('BAD_REQUEST', 'Malformed superjson metadata')
  }
}
