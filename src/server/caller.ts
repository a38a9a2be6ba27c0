import { MizanError } from '../shared/errors.ts'
import type { AnyRouter, CallArgs, ContextBundle, ContextNames, ContextParams, InputOf, OutputOf } from '../shared/types.ts'
import type { MizanUser, RequestContext } from './defineClient.ts'
import { authorizeContextRead, memberParams } from './context-access.ts'
import { executeFunction, type ErrorReporter } from './execute.ts'
import { safeFormatter, type ErrorFormatter } from './format-error.ts'
import { cacheUserId, ContextCache, type ContextCacheOptions } from './cache/context-cache.ts'
import { assembleBundle } from './dispatch-core.ts'
import { resolveInvalidation, resolveMerges } from './invalidation.ts'
import { assignAppContext } from './app-context.ts'
import type { MizanRequest } from './dispatch-types.ts'
import type { AnyServerRouter, RegisteredFunction, Router } from './router.ts'
import { stringifyJson } from '../shared/exact-json.ts'

export interface CallerContext<TUser extends MizanUser = MizanUser, TCtx extends object = object> {
  user?: TUser | null
  headers?: Headers
  raw?: unknown
  signal?: AbortSignal
  onError?: ErrorReporter
  /** What the caller's rejections carry, last (format-error.ts), as the dispatcher's `formatError`. */
  formatError?: ErrorFormatter
  /**
   * The app's request context (`createMizan().withContext(factory)`), used as it is. Without
   * it, the router's factory runs once for this caller, on a request made of `headers`.
   */
  context?: TCtx
  /**
   * The origin cache the HTTP handler uses (its `cache` option, same backend and secret): bundles
   * are then read through it under the same keys, as the wire JSON HTTP serves, and calls purge
   * what they invalidate or merge into, as over HTTP. Without it, nothing is cached.
   */
  cache?: ContextCacheOptions
}

/** The user and context types a router was defined with (`createMizan<User>().withContext(...)`). */
type EnvOf<R extends AnyServerRouter> = NonNullable<R['~env']>

/** What `createCaller(router, ...)` takes: typed with the router's own user and context. */
export type CallerContextOf<R extends AnyServerRouter> = CallerContext<EnvOf<R>['user'], EnvOf<R>['ctx']>

type Keys<R extends AnyRouter> = keyof R['defs'] & string

export type Caller<R extends AnyRouter> = {
  [K in Keys<R>]: (...args: CallArgs<InputOf<R, K>>) => Promise<OutputOf<R, K>>
} & {
  /** A whole context bundle, keyed by router key. */
  $context<C extends ContextNames<R>>(name: C, params?: ContextParams<R, C>): Promise<ContextBundle<R, C>>
  /** The same bundle as it travels on the wire (keyed by wire name), for SSR and caches. */
  $contextWire<C extends ContextNames<R>>(name: C, params?: ContextParams<R, C>): Promise<Record<string, unknown>>
}

/**
 * Calls server functions in-process, with the same auth, validation and errors as HTTP but
 * no request: for tests, scripts and server-side rendering. Private functions stay callable
 * here, since the caller is the server itself.
 */
export function createCaller<R extends AnyServerRouter>(router: R, context: CallerContextOf<R> = {}): Caller<R> {
  const headers = context.headers ?? new Headers()
  const signal = context.signal ?? new AbortController().signal
  const base: RequestContext<MizanUser> = {
    user: context.user ?? null,
    headers,
    raw: context.raw,
    signal,
    routeParams: {},
    responseHeaders: new Headers(),
  }
  const report: ErrorReporter = context.onError ?? ((error, where) => console.error(`[mizan] ${where.fn}:`, error))
  const byKey = new Map([...router.functions.values()].map((reg) => [reg.key, reg]))
  let ready: Promise<RequestContext<MizanUser>> | undefined
  /** The context, with the app's keys: given, or made once by the router's factory. */
  const contextReady = (): Promise<RequestContext<MizanUser>> =>
    (ready ??= (async () => {
      if (context.context) assignAppContext(base, context.context)
      else if (router.requestContext) assignAppContext(base, await router.requestContext(callerRequest(headers, context.raw, signal), { user: base.user }))
      return base
    })())

  const cache = context.cache ? new ContextCache(context.cache) : undefined

  async function bundle(name: string, params: Record<string, unknown> = {}, keyed: 'key' | 'wire') {
    const ctxDef = router.contexts.get(name)
    if (!ctxDef) throw new MizanError('NOT_FOUND', `Context '${name}' not found`)
    const ctx = await contextReady()
    // The same checks as an HTTP or WebSocket read: members' auth, params, the context's authorize.
    const read = await authorizeContextRead(ctxDef, params, ctx, { report })
    const values = () => Promise.all(ctxDef.members.map((member) => executeFunction(member, memberParams(member, params), ctx, report)))
    if (!cache) {
      const computed = await values()
      return Object.fromEntries(ctxDef.members.map((m, i) => [keyed === 'key' ? m.key : m.wireName, computed[i]]))
    }
    const compute = async () => stringifyJson(assembleBundle(ctxDef, (await values()).map((value) => ({ ok: true as const, value }))))
    const wire = JSON.parse((await cache.fetch(ctxDef, { params: read.params, raw: params, variants: read.variants }, cacheUserId(ctx.user), compute)).body) as Record<string, unknown>
    return keyed === 'wire' ? wire : Object.fromEntries(ctxDef.members.map((m) => [m.key, wire[m.wireName]]))
  }

  /** A call, and with a cache the purge HTTP would make for it (none for a refused form submit). */
  async function call(reg: RegisteredFunction, input: unknown): Promise<unknown> {
    const ctx = await contextReady()
    let result = await executeFunction(reg, input, ctx, report)
    if (isAsyncGenerator(result)) result = masked(result, reg.wireName)
    if (!cache || (reg.fn.options.outputOf !== undefined && reg.fn.options.outputOf(result) === undefined)) return result
    const entries = [...resolveInvalidation(router, reg, input), ...resolveMerges(router, reg, input, result)]
    if (entries.length) await cache.purge(router, entries, cacheUserId(ctx.user))
    return result
  }

  const format = safeFormatter(context.formatError, report, 'caller')
  /** A streamed result fails as a call would: a user exception reported and masked, then `formatError`. */
  async function* masked(source: AsyncGenerator<unknown, unknown>, fn: string): AsyncGenerator<unknown, unknown> {
    try {
      return yield* source
    } catch (error) {
      if (error instanceof MizanError) throw format(error)
      report(error, { fn })
      throw format(new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: error }))
    }
  }
  /** A rejection as a client would see it: a `MizanError`, through `formatError`. */
  const formatted = <T,>(running: Promise<T>): Promise<T> =>
    context.formatError ? running.catch((error: unknown) => Promise.reject(error instanceof MizanError ? format(error) : error)) : running

  return new Proxy({} as Caller<R>, {
    get(_target, prop) {
      if (prop === '$context') return (name: string, params?: Record<string, unknown>) => formatted(bundle(name, params, 'key'))
      if (prop === '$contextWire') return (name: string, params?: Record<string, unknown>) => formatted(bundle(name, params, 'wire'))
      if (typeof prop !== 'string') return undefined
      const reg = byKey.get(prop)
      if (!reg) return undefined
      return (input?: unknown) => formatted(call(reg, input))
    },
  })
}

/** The request a caller's context factory is given: no body, `headers` as the caller was told. */
function callerRequest(headers: Headers, raw: unknown, signal: AbortSignal): MizanRequest {
  return {
    method: 'POST',
    url: new URL('mizan://caller/'),
    headers,
    readBody: () => Promise.reject(new TypeError('an in-process caller has no request body')),
    raw,
    signal,
  }
}

export type { Router }

function isAsyncGenerator(value: unknown): value is AsyncGenerator<unknown, unknown> {
  return Object.prototype.toString.call(value) === '[object AsyncGenerator]'
}
