import superjson from 'superjson'
import { MizanError } from '../shared/errors.ts'
import { formatInvalidateHeader } from '../shared/invalidate-header.ts'
import { CSRF_COOKIE, CSRF_HEADER, DIALECTS, ROUTES, SUPERJSON_HEADER, type CallSuccessBody, type Dialect, type InvalidateEntry, type MergeEntry } from '../shared/protocol.ts'
import type { MizanUser, RequestContext } from './defineClient.ts'
import { ContextCache, type CacheOutcome, type ContextCacheOptions } from './cache/context-cache.ts'
import { executeFunction, type Coercion, type ErrorReporter } from './execute.ts'
import { errorResponse, jsonResponse, parseCookies, randomToken, timingSafeEqualStrings, type WireResponse } from './http-parts.ts'
import { resolveInvalidation, resolveMerges } from './invalidation.ts'
import type { AnyServerRouter, RegisteredContext, RegisteredFunction } from './router.ts'
import { coerceQueryValue } from './schema.ts'
import { parseJsonBody } from './json-body.ts'
import { matchViewRoute } from './view-routes.ts'

/** The runtime-neutral request every adapter produces. */
export interface MizanRequest {
  method: string
  url: URL
  headers: Headers
  /** Reads the body as text; adapters enforce the size limit and throw `BodyTooLargeError`. */
  readBody(): Promise<string>
  /** The body as bytes, for multipart form posts; absent where a transport has no raw body. */
  readBytes?(): Promise<Uint8Array>
  raw: unknown
  signal: AbortSignal
}

export type UserResolver<TUser extends MizanUser = MizanUser> = (req: MizanRequest) => TUser | null | Promise<TUser | null>

export interface DispatchOptions<TUser extends MizanUser = MizanUser> {
  /** Spelling of prefix and headers: `'mizan'` (default) or `'izana'` for the published Python packages. */
  dialect?: Dialect
  /** Mount path; defaults to the dialect's (`/api/mizan`). */
  prefix?: string
  /** Who is calling. Throw a `MizanError('UNAUTHORIZED')` for a bad token: it is never retried as anonymous. */
  resolveUser?: UserResolver<TUser>
  /** `'always'` (default, as Django): every POST needs the CSRF header; `'cookie'`: only requests that carry cookies; `false`: off. */
  csrf?: 'always' | 'cookie' | false
  /** Name missing functions in NOT_FOUND messages. */
  debug?: boolean
  /** How JSON args meet the schema: `'lax'` (default, as the reference) or `'strict'`. See `Coercion`. */
  coercion?: Coercion
  /** Origin cache of context bundles (`MemoryCache` or `RedisCache`), keyed as the Python core keys them. */
  cache?: ContextCacheOptions
  /** Longest a server function may run before answering 504 (default 30 s; a function's `timeout` wins). */
  timeoutMs?: number
  /** Deepest accepted JSON nesting of a request body (default 64). */
  maxJsonDepth?: number
  /** Longest accepted query string, in bytes (default 8 KiB). */
  maxQueryBytes?: number
  /** Largest accepted request body, in bytes (default 1 MiB). */
  maxBodyBytes?: number
  onError?: ErrorReporter
  /**
   * Told after every successful call that invalidates or merges (over HTTP or WebSocket), e.g.
   * `hub.invalidated` from `createChannelHub` for live invalidation. Not awaited; failures are reported.
   */
  onInvalidate?: (event: InvalidationEvent) => void | Promise<void>
}

/** What a successful mutation changed, for live invalidation. */
export interface InvalidationEvent {
  /** Wire name of the function that ran. */
  fn: string
  invalidate: InvalidateEntry[]
  merge: MergeEntry[]
  user: MizanUser | null
}

/** A call's outcome before it meets a transport: the success body, or the raw Response a function answered with. */
export interface Invocation {
  body: CallSuccessBody
  response?: Response
  invalidate: InvalidateEntry[]
}

/** The transport-neutral steps of a dispatcher, shared by the HTTP handlers and the WebSocket adapter. */
export interface DispatchCore {
  requestContext(req: MizanRequest): Promise<RequestContext<MizanUser>>
  /** Execute a looked-up function; invalidate, merge, purge the origin cache and notify `onInvalidate`. */
  invoke(reg: RegisteredFunction, rawArgs: unknown, meta: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean): Promise<Invocation>
  /** A context bundle as JSON text, through the origin cache when there is one. */
  contextText(ctxDef: RegisteredContext, params: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<{ body: string; outcome: CacheOutcome }>
  /** A context bundle computed afresh (no cache). */
  bundle(ctxDef: RegisteredContext, params: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<Record<string, unknown>>
}

export type DispatchResult = WireResponse | Response

export interface Dispatcher {
  prefix: string
  maxBodyBytes: number
  /** `null` when the path is not ours, so adapters can fall through to the next handler. */
  handle(req: MizanRequest): Promise<DispatchResult | null>
  core: DispatchCore
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

const defaultReporter: ErrorReporter = (error, where) => console.error(`[mizan] ${where.fn}:`, error)

export function createDispatcher<TUser extends MizanUser>(router: AnyServerRouter, options: DispatchOptions<TUser> = {}): Dispatcher {
  const spelling = DIALECTS[options.dialect ?? 'mizan']
  const prefix = (options.prefix ?? spelling.prefix).replace(/\/+$/, '')
  const csrfMode = options.csrf ?? 'always'
  const report = options.onError ?? defaultReporter
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  const maxJsonDepth = options.maxJsonDepth ?? 64
  const timeoutMs = options.timeoutMs ?? 30_000
  const maxQueryBytes = options.maxQueryBytes ?? 8 * 1024
  const tokenHeader = spelling.tokenHeader
  const cache = options.cache ? new ContextCache(options.cache) : undefined

  async function requestContext(req: MizanRequest, routeParams: Record<string, string> = {}): Promise<RequestContext<MizanUser>> {
    const user = options.resolveUser ? await options.resolveUser(req) : null
    return { user, headers: req.headers, raw: req.raw, signal: req.signal, routeParams, responseHeaders: new Headers() }
  }

  function carriesToken(req: MizanRequest): boolean {
    return req.headers.has(tokenHeader) || (req.headers.get('authorization') ?? '').startsWith('Bearer ')
  }

  function csrfFailure(req: MizanRequest): MizanError | null {
    if (csrfMode === false || carriesToken(req)) return null
    const cookieHeader = req.headers.get('cookie')
    if (csrfMode === 'cookie' && !cookieHeader) return null
    const cookie = parseCookies(cookieHeader)[CSRF_COOKIE]
    if (!cookie) return new MizanError('FORBIDDEN', 'CSRF verification failed: CSRF cookie not set')
    const header = req.headers.get(CSRF_HEADER)
    if (!header) return new MizanError('FORBIDDEN', 'CSRF verification failed: CSRF token missing')
    if (!timingSafeEqualStrings(header, cookie)) return new MizanError('FORBIDDEN', 'CSRF verification failed: CSRF token incorrect')
    return null
  }

  function session(req: MizanRequest): WireResponse {
    const existing = parseCookies(req.headers.get('cookie'))[CSRF_COOKIE]
    const token = existing && /^[A-Za-z0-9]{32,64}$/.test(existing) ? existing : randomToken()
    const cookie = `${CSRF_COOKIE}=${token}; Max-Age=31449600; Path=/; SameSite=Lax`
    return jsonResponse(200, { csrfToken: token }, { 'Set-Cookie': cookie, Vary: 'Cookie' })
  }

  function notFoundMessage(name: string): string {
    return options.debug ? `Function '${name}' not found` : 'Function not found'
  }

  async function call(req: MizanRequest): Promise<DispatchResult> {
    const contentType = req.headers.get('content-type') ?? ''
    let body: unknown
    if (contentType.toLowerCase().startsWith('multipart/form-data')) {
      body = await readMultipart(req, contentType)
    } else {
      const text = await req.readBody()
      if (!text) return errorResponse(new MizanError('BAD_REQUEST', 'Request body required'))
      body = parseJsonBody(text, maxJsonDepth)
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return errorResponse(new MizanError('BAD_REQUEST', 'Request body must be a JSON object'))
    }
    const { fn, args: rawArgs, meta } = body as { fn?: unknown; args?: unknown; meta?: unknown }
    if (!fn) return errorResponse(new MizanError('BAD_REQUEST', "Missing 'fn' field"))
    const reg = typeof fn === 'string' ? router.functions.get(fn) : undefined
    if (!reg) return errorResponse(new MizanError('NOT_FOUND', notFoundMessage(String(fn))))
    if (reg.fn.options.private) return errorResponse(new MizanError('FORBIDDEN', 'Function is not client-callable'))
    const ctx = await requestContext(req)
    const { body: payload, response, invalidate } = await invoke(reg, rawArgs, meta, ctx, req.headers.get(SUPERJSON_HEADER) === '1')
    const invalidateHeader = invalidate.length ? { [spelling.invalidateHeader]: formatInvalidateHeader(invalidate) } : {}
    if (response) {
      for (const [name, value] of Object.entries(invalidateHeader)) response.headers.set(name, value)
      response.headers.set('Cache-Control', 'no-store')
      return response
    }
    return withHandlerHeaders(jsonResponse(200, payload, invalidateHeader), ctx)
  }

  function notify(reg: RegisteredFunction, invalidate: InvalidateEntry[], merge: MergeEntry[], ctx: RequestContext<MizanUser>): void {
    const listener = options.onInvalidate
    if (!listener || (!invalidate.length && !merge.length)) return
    void Promise.resolve()
      .then(() => listener({ fn: reg.wireName, invalidate, merge, user: ctx.user }))
      .catch((error: unknown) => report(error, { fn: reg.wireName }))
  }

  async function invoke(reg: RegisteredFunction, rawArgs: unknown, meta: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean): Promise<Invocation> {
    const args = meta !== undefined && rawArgs !== undefined ? deserializeArgs(rawArgs, meta) : rawArgs
    const result = await executeFunction(reg, args, ctx, report, options.coercion, timeoutMs)
    const invalidate = resolveInvalidation(router, reg, args)
    if (result instanceof Response) {
      if (cache && invalidate.length) await cache.purge(router, invalidate, userIdOf(ctx))
      notify(reg, invalidate, [], ctx)
      const body: CallSuccessBody = { result: null }
      if (invalidate.length) body.invalidate = invalidate
      return { body, response: result, invalidate }
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
    if (cache && (invalidate.length || merges.length)) await cache.purge(router, [...invalidate, ...merges], userIdOf(ctx))
    notify(reg, invalidate, merges, ctx)
    return { body: payload, invalidate }
  }

  async function bundleOf(ctxDef: RegisteredContext, query: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<Record<string, unknown>> {
    const settled = await Promise.allSettled(
      ctxDef.members.map((member) => executeFunction(member, memberParams(member, query), ctx, report, options.coercion, timeoutMs)),
    )
    for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason
    const bundle: Record<string, unknown> = {}
    const order = ctxDef.members.map((m, i) => [m.wireName, i] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    for (const [wireName, index] of order) {
      const outcome = settled[index]
      if (outcome?.status === 'fulfilled') bundle[wireName] = outcome.value instanceof Response ? null : outcome.value
    }
    return bundle
  }

  async function contextText(ctxDef: RegisteredContext, params: Record<string, unknown>, ctx: RequestContext<MizanUser>): Promise<{ body: string; outcome: CacheOutcome }> {
    const compute = async () => JSON.stringify(await bundleOf(ctxDef, params, ctx))
    if (!cache) return { body: await compute(), outcome: 'BYPASS' }
    // Query strings and JSON params normalize to the same cache key (keys.ts), so HTTP and WebSocket share entries.
    return cache.fetch(ctxDef, params as Record<string, string>, userIdOf(ctx), compute)
  }

  async function context(req: MizanRequest, name: string): Promise<DispatchResult> {
    const ctxDef = router.contexts.get(name)
    if (!ctxDef) return errorResponse(new MizanError('NOT_FOUND', `Context '${name}' not found`))
    // No prototype: a `?__proto__=` param is just a key.
    const query: Record<string, string> = Object.create(null)
    for (const [k, v] of req.url.searchParams) query[k] = v
    const ctx = await requestContext(req)
    const computeBundle = () => bundleOf(ctxDef, query, ctx)
    if (req.headers.get(SUPERJSON_HEADER) === '1') {
      const { json, meta } = superjson.serialize(await computeBundle())
      return jsonResponse(200, json, meta ? { [SUPERJSON_HEADER + '-Meta']: JSON.stringify(meta) } : {})
    }
    const { body, outcome } = await contextText(ctxDef, query, ctx)
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }
    if (outcome !== 'BYPASS') headers[spelling.cacheHeader] = outcome
    return { status: 200, headers, body }
  }

  async function view(req: MizanRequest, path: string): Promise<DispatchResult | null> {
    const match = matchViewRoute(router, path)
    if (!match) return null
    const methods = match.reg.fn.options.methods
    if (!methods.includes(req.method)) {
      return errorResponse(new MizanError('BAD_REQUEST', `Only ${methods.join(', ')} allowed`), 405)
    }
    if (!SAFE_METHODS.has(req.method)) {
      const csrf = csrfFailure(req)
      if (csrf) return errorResponse(csrf)
    }
    const ctx = await requestContext(req, match.params)
    const result = await executeFunction(match.reg, match.params, ctx, report, options.coercion, timeoutMs)
    return result instanceof Response ? result : jsonResponse(200, result)
  }

  async function route(req: MizanRequest): Promise<DispatchResult | null> {
    const path = req.url.pathname
    if (!path.startsWith(prefix + '/')) return null
    if (req.url.search.length > maxQueryBytes) {
      return errorResponse(new MizanError('BAD_REQUEST', `Query string exceeds ${maxQueryBytes} bytes`), 414)
    }
    const rest = path.slice(prefix.length)
    if (rest === ROUTES.call) {
      // As in the reference, CSRF is judged before the method: an unsafe verb without the token is a 403.
      if (!SAFE_METHODS.has(req.method)) {
        const csrf = csrfFailure(req)
        if (csrf) return errorResponse(csrf)
      }
      if (req.method !== 'POST') return errorResponse(new MizanError('BAD_REQUEST', 'Only POST method allowed'), 405)
      return call(req)
    }
    // The session endpoint answers any method: it only hands out the CSRF cookie.
    if (rest === ROUTES.session) return session(req)
    if (rest === '/call' || rest === '/session' || /^\/ctx\/[^/]+$/.test(rest)) {
      return { status: 301, headers: { Location: `${prefix}${rest}/${req.url.search}` }, body: '' }
    }
    const ctxMatch = /^\/ctx\/([^/]+)\/$/.exec(rest)
    if (ctxMatch?.[1]) {
      if (req.method !== 'GET') return errorResponse(new MizanError('BAD_REQUEST', 'Only GET method allowed'), 405)
      let name: string
      try {
        name = decodeURIComponent(ctxMatch[1])
      } catch {
        return errorResponse(new MizanError('BAD_REQUEST', 'Malformed context name'))
      }
      return context(req, name)
    }
    return view(req, rest)
  }

  return {
    prefix,
    maxBodyBytes,
    core: { requestContext: (req) => requestContext(req), invoke, contextText, bundle: bundleOf },
    async handle(req) {
      try {
        return await route(req)
      } catch (error) {
        if (error instanceof MizanError) return errorResponse(error)
        report(error, { fn: req.url.pathname })
        return errorResponse(new MizanError('INTERNAL_ERROR', 'An internal error occurred'))
      }
    },
  }
}

/** Headers a handler set through `ctx.responseHeaders` (several Set-Cookie stay separate). */
function withHandlerHeaders(res: WireResponse, ctx: RequestContext<MizanUser>): WireResponse {
  ctx.responseHeaders.forEach((value, name) => {
    if (name !== 'set-cookie') res.headers[name] = value
  })
  const cookies = ctx.responseHeaders.getSetCookie()
  if (cookies.length) res.headers['Set-Cookie'] = cookies
  return res
}

/** Cache entries are scoped to the user whenever one is known, as the reference scopes them. */
function userIdOf(ctx: RequestContext<MizanUser>): string | null {
  return ctx.user && ctx.user.id !== 0 && ctx.user.id !== '' ? String(ctx.user.id) : null
}

/** Query-string values are coerced to their declared kind; JSON values (WebSocket params) pass as they are. */
function memberParams(member: RegisteredFunction, query: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!member.params.length) return undefined
  const out: Record<string, unknown> = {}
  for (const p of member.params) {
    const value = query[p.name]
    if (value !== undefined) out[p.name] = typeof value === 'string' ? coerceQueryValue(value, p.kind) : value
  }
  return out
}

/**
 * A form post, as the reference reads one: `fn` is a field and every other text field is an
 * argument (as a string). File parts are not arguments and are left out.
 */
async function readMultipart(req: MizanRequest, contentType: string): Promise<{ fn?: string; args: Record<string, string> }> {
  if (!req.readBytes) throw new MizanError('BAD_REQUEST', 'multipart/form-data is not supported on this transport')
  let form: FormData
  try {
    form = await new Response(new Blob([new Uint8Array(await req.readBytes())]), { headers: { 'content-type': contentType } }).formData()
  } catch {
    throw new MizanError('BAD_REQUEST', 'Malformed multipart/form-data body')
  }
  const args: Record<string, string> = {}
  let fn: string | undefined
  for (const [key, value] of form) {
    if (typeof value !== 'string') continue
    if (key === 'fn') fn = value
    else args[key] = value
  }
  return fn === undefined ? { args } : { fn, args }
}

function deserializeArgs(json: unknown, meta: unknown): unknown {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new MizanError('BAD_REQUEST', 'Malformed superjson metadata')
  try {
    return superjson.deserialize({ json: json as never, meta: meta as never })
  } catch {
    throw new MizanError('BAD_REQUEST', 'Malformed superjson metadata')
  }
}
