/**
 * The HTTP side of the protocol, framework-free: routes `/call/`, `/session/`, `/ctx/<name>/`
 * and view routes under the prefix to the shared core (dispatch-core.ts), with CSRF and limits.
 * Adapters (node, fetch) turn a `MizanRequest` into this and its `DispatchResult` back out.
 */
import superjson from 'superjson'
import { MizanError } from '../shared/errors.ts'
import { formatInvalidateHeader } from '../shared/invalidate-header.ts'
import { DIALECTS, ROUTES, SUPERJSON_HEADER } from '../shared/protocol.ts'
import { BATCH_ROUTE, FEATURES_HEADER } from '../shared/extensions.ts'
import { trimTrailingSlashes } from '../shared/trim-slashes.ts'
import { createCsrfCheck, SAFE_METHODS, sessionResponse } from './csrf-session.ts'
import type { MizanUser, RequestContext } from './defineClient.ts'
import { createDispatchCore, RESPONSE_HEADERS, type DispatchCore, type Invocation } from './dispatch-core.ts'
import type { DispatchOptions, MizanRequest } from './dispatch-types.ts'
import { errorResponse, isMultipartType, jsonResponse, type WireResponse } from './http-parts.ts'
import { safeFormatter } from './format-error.ts'
import { parseJsonBody } from './json-body.ts'
import type { AnyServerRouter, RegisteredFunction } from './router.ts'
import { matchViewRoute } from './view-routes.ts'
import { notAStreamReader } from './streaming/stream-source.ts'
import { sseResponse } from './streaming/sse-response.ts'
import { runBatch } from './batch.ts'
import { readUpload } from './uploads/read-upload.ts'

export type { DispatchOptions, InvalidationEvent, MizanRequest, UserResolver } from './dispatch-types.ts'
export type { DispatchCore, Invocation } from './dispatch-core.ts'

export type DispatchResult = WireResponse | Response


export interface Dispatcher {
  prefix: string
  maxBodyBytes: number
  /** Largest multipart body (its files), checked against Content-Length before reading. */
  maxUploadBytes: number
  /** `null` when the path is not ours, so adapters can fall through to the next handler. */
  handle(req: MizanRequest): Promise<DispatchResult | null>
  core: DispatchCore
  /**
   * `POST {prefix}/call/` in pieces, for an adapter that reads the body itself and wants to
   * answer in the same tick: `callCheck` (CSRF, before the body), then `callWithText` once the
   * body is text (a Promise only when something on the way is async), `failure` for errors
   * met on the way (a body too large, bad UTF-8). None of them throws.
   */
  callCheck(req: MizanRequest): DispatchResult | null
  callWithText(req: MizanRequest, text: string): DispatchResult | Promise<DispatchResult>
  failure(req: MizanRequest, error: unknown): DispatchResult
}

export function createDispatcher<TUser extends MizanUser>(router: AnyServerRouter, options: DispatchOptions<TUser> = {}): Dispatcher {
  const spelling = DIALECTS[options.dialect ?? 'mizan']
  const prefix = trimTrailingSlashes(options.prefix ?? spelling.prefix)
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  const maxJsonDepth = options.maxJsonDepth ?? 64
  const maxQueryBytes = options.maxQueryBytes ?? 8 * 1024
  const maxUploadBytes = options.maxUploadBytes ?? 20 * 1024 * 1024
  const uploadLimits = { maxUploadBytes, maxFileBytes: options.maxFileBytes ?? maxUploadBytes, maxFieldBytes: maxBodyBytes }
  const csrf = createCsrfCheck(options.csrf, spelling.tokenHeader, options.trustedOrigins, options.dialect === 'izana')
  const csrfFailure = csrf.beforeIdentity
  const { core, requestContext, requestContextMaybeSync, invokeMaybeSync, report } = createDispatchCore(router, options)
  const format = safeFormatter(options.formatError, report, 'http')
  /** Every error answer of the dispatcher, refusals made before any function is looked up included, goes through `formatError`. */
  const refuse = (error: MizanError, status?: number): WireResponse => errorResponse(format(error), status)

  function notFoundMessage(fn: unknown): string {
    // JSON text, not String(fn): `{"fn":{"toString":1}}` has a toString that is no function, and String() throws on it.
    return options.debug ? `Function '${typeof fn === 'string' ? fn : JSON.stringify(fn)}' not found` : 'Function not found'
  }

  async function call(req: MizanRequest): Promise<DispatchResult> {
    const contentType = req.headers.get('content-type') ?? ''
    let body: unknown
    if (isMultipartType(contentType)) {
      const upload = await readUpload(uploadStream(req), contentType, uploadLimits)
      try {
        return await callWithBody(req, upload.body)
      } finally {
        // The function has answered: its files are read (a File it returned as a download is not, see PROTOCOL.md §16).
        void upload.cleanup()
      }
    } else {
      const text = await req.readBody()
      if (!text) return refuse(new MizanError('BAD_REQUEST', 'Request body required'))
      body = parseJsonBody(text, maxJsonDepth)
    }
    return callWithBody(req, body)
  }

  /** The rest of a call once the body is parsed; a Promise only when something on the way is async. May throw. */
  function callWithBody(req: MizanRequest, body: unknown): DispatchResult | Promise<DispatchResult> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return refuse(new MizanError('BAD_REQUEST', 'Request body must be a JSON object'))
    }
    const { fn, args: rawArgs, meta } = body as { fn?: unknown; args?: unknown; meta?: unknown }
    if (!fn) return refuse(new MizanError('BAD_REQUEST', "Missing 'fn' field"))
    const reg = typeof fn === 'string' ? router.functions.get(fn) : undefined
    if (!reg) return refuse(new MizanError('NOT_FOUND', notFoundMessage(fn)))
    if (reg.fn.options.private) {
      if (options.privateFunctions === 'not-found') return refuse(new MizanError('NOT_FOUND', notFoundMessage(fn)))
      return refuse(new MizanError('FORBIDDEN', 'Function is not client-callable'))
    }
    // A generator is known to stream before it runs: a caller that cannot read one is told so, and it never starts.
    if (reg.fn.options.stream && !wantsStream(req)) return refuse(notAStreamReader(reg, 'http'))
    const wantsMeta = req.headers.get(SUPERJSON_HEADER) === '1'
    const ctx = requestContextMaybeSync(req)
    return ctx instanceof Promise ? ctx.then((c) => invokeWith(req, reg, rawArgs, meta, c, wantsMeta)) : invokeWith(req, reg, rawArgs, meta, ctx, wantsMeta)
  }

  function invokeWith(req: MizanRequest, reg: RegisteredFunction, rawArgs: unknown, meta: unknown, ctx: RequestContext<MizanUser>, wantsMeta: boolean): DispatchResult | Promise<DispatchResult> {
    // A token header no verifier accepted exempts nothing: the cookie rules apply once identity is known.
    const late = csrf.afterIdentity(req)
    if (late) return refuse(late)
    const invocation = invokeMaybeSync(reg, rawArgs, meta, ctx, wantsMeta)
    return invocation instanceof Promise ? invocation.then((inv) => callResponse(req, reg, inv, ctx)) : callResponse(req, reg, invocation, ctx)
  }

  function callResponse(req: MizanRequest, reg: RegisteredFunction, invocation: Invocation, ctx: RequestContext<MizanUser>): DispatchResult {
    const { body: payload, response, invalidate, stream } = invocation
    if (stream) {
      if (!wantsStream(req)) {
        // Found to stream only once it answered (an async function returning an iterable): stopped unread.
        void stream.items.close()
        stream.settle()
        return refuse(notAStreamReader(reg, 'http'))
      }
      const headers: Record<string, string> = {}
      if (invalidate.length) headers[spelling.invalidateHeader] = formatInvalidateHeader(invalidate)
      const final: Record<string, unknown> = {}
      if (payload.invalidate) final['invalidate'] = payload.invalidate
      return sseResponse(stream.items, { final, settle: stream.settle, heartbeatMs: options.streamHeartbeatMs, headers, formatError: format })
    }
    if (response) {
      if (invalidate.length) response.headers.set(spelling.invalidateHeader, formatInvalidateHeader(invalidate))
      response.headers.set('Cache-Control', 'no-store')
      return response
    }
    const res = jsonResponse(200, payload)
    if (invalidate.length) res.headers[spelling.invalidateHeader] = formatInvalidateHeader(invalidate)
    return withHandlerHeaders(res, ctx)
  }

  function failure(req: MizanRequest, error: unknown): DispatchResult {
    if (error instanceof MizanError) return refuse(error)
    report(error, { fn: req.url.pathname })
    return refuse(new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: error }))
  }

  function callCheck(req: MizanRequest): DispatchResult | null {
    try {
      const refused = csrfFailure(req)
      return refused ? refuse(refused) : null
    } catch (error) {
      return failure(req, error)
    }
  }

  function callWithText(req: MizanRequest, text: string): DispatchResult | Promise<DispatchResult> {
    try {
      if (!text) return refuse(new MizanError('BAD_REQUEST', 'Request body required'))
      const result = callWithBody(req, parseJsonBody(text, maxJsonDepth))
      return result instanceof Promise ? result.catch((error: unknown) => failure(req, error)) : result
    } catch (error) {
      return failure(req, error)
    }
  }

  async function batch(req: MizanRequest): Promise<DispatchResult> {
    if (csrf.awaitsIdentity(req)) {
      await requestContext(req)
      const late = csrf.afterIdentity(req)
      if (late) return refuse(late)
    }
    const text = await req.readBody()
    if (!text) return refuse(new MizanError('BAD_REQUEST', 'Request body required'))
    const body = parseJsonBody(text, maxJsonDepth)
    const deps = { router, core, maxItems: options.maxBatchItems ?? 100, notFound: notFoundMessage, hidePrivate: options.privateFunctions === 'not-found', failure: (error: unknown, where: string) => format(asMizanError(error, where)) }
    const answer = await runBatch(req, body, deps, req.headers.get(SUPERJSON_HEADER) === '1')
    const res: WireResponse = { status: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: answer.body }
    if (answer.invalidate.length) res.headers[spelling.invalidateHeader] = formatInvalidateHeader(answer.invalidate)
    for (const ctx of answer.contexts) withHandlerHeaders(res, ctx)
    return res
  }

  function asMizanError(error: unknown, where: string): MizanError {
    if (error instanceof MizanError) return error
    report(error, { fn: where })
    return new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: error })
  }

  async function context(req: MizanRequest, name: string): Promise<DispatchResult> {
    const ctxDef = router.contexts.get(name)
    if (!ctxDef) return refuse(new MizanError('NOT_FOUND', `Context '${name}' not found`))
    // No prototype: a `?__proto__=` param is just a key.
    const query: Record<string, string> = Object.create(null)
    for (const [k, v] of req.url.searchParams) query[k] = v
    const ctx = await requestContext(req)
    if (req.headers.get(SUPERJSON_HEADER) === '1') {
      const { json, meta } = superjson.serialize(await core.bundle(ctxDef, query, ctx))
      return jsonResponse(200, json, meta ? { [SUPERJSON_HEADER + '-Meta']: JSON.stringify(meta) } : {})
    }
    const { body, outcome } = await core.contextText(ctxDef, query, ctx)
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }
    if (outcome !== 'BYPASS') headers[spelling.cacheHeader] = outcome
    return { status: 200, headers, body }
  }

  async function view(req: MizanRequest, path: string): Promise<DispatchResult | null> {
    const match = matchViewRoute(router, path)
    if (!match) return null
    const methods = match.reg.fn.options.methods
    if (!methods.includes(req.method)) {
      return refuse(new MizanError('BAD_REQUEST', `Only ${methods.join(', ')} allowed`), 405)
    }
    if (!SAFE_METHODS.has(req.method)) {
      const refused = csrfFailure(req)
      if (refused) return refuse(refused)
    }
    const ctx = await requestContext(req, match.params)
    if (!SAFE_METHODS.has(req.method)) {
      const late = csrf.afterIdentity(req)
      if (late) return refuse(late)
    }
    // The same path as /call/: affects and merge are resolved, the cache purged, live watchers told.
    const invocation = await invokeMaybeSync(match.reg, match.params, undefined, ctx, false)
    if (invocation.response || invocation.stream) return callResponse(req, match.reg, invocation, ctx)
    const res = jsonResponse(200, invocation.body.result)
    if (invocation.invalidate.length) res.headers[spelling.invalidateHeader] = formatInvalidateHeader(invocation.invalidate)
    return withHandlerHeaders(res, ctx)
  }

  async function route(req: MizanRequest): Promise<DispatchResult | null> {
    const path = req.url.pathname
    if (!path.startsWith(prefix + '/')) return null
    if (req.url.search.length > maxQueryBytes) {
      return refuse(new MizanError('BAD_REQUEST', `Query string exceeds ${maxQueryBytes} bytes`), 414)
    }
    const rest = path.slice(prefix.length)
    if (rest === ROUTES.call) {
      // As in the reference, CSRF is judged before the method: an unsafe verb without the token is a 403.
      if (!SAFE_METHODS.has(req.method)) {
        const refused = csrfFailure(req)
        if (refused) return refuse(refused)
      }
      if (req.method !== 'POST') return refuse(new MizanError('BAD_REQUEST', 'Only POST method allowed'), 405)
      return call(req)
    }
    if (rest === BATCH_ROUTE && options.batch !== false) {
      if (!SAFE_METHODS.has(req.method)) {
        const refused = csrfFailure(req)
        if (refused) return refuse(refused)
      }
      if (req.method !== 'POST') return refuse(new MizanError('BAD_REQUEST', 'Only POST method allowed'), 405)
      return batch(req)
    }
    // The session endpoint answers any method: it only hands out the CSRF cookie.
    if (rest === ROUTES.session) {
      const res = sessionResponse(req)
      res.headers[FEATURES_HEADER] = options.batch === false ? 'stream' : 'batch, stream'
      return res
    }
    if (rest === '/call' || rest === '/session' || /^\/ctx\/[^/]+$/.test(rest)) {
      return { status: 301, headers: { Location: `${prefix}${rest}/${req.url.search}` }, body: '' }
    }
    const ctxMatch = /^\/ctx\/([^/]+)\/$/.exec(rest)
    if (ctxMatch?.[1]) {
      if (req.method !== 'GET') return refuse(new MizanError('BAD_REQUEST', 'Only GET method allowed'), 405)
      let name: string
      try {
        name = decodeURIComponent(ctxMatch[1])
      } catch {
        return refuse(new MizanError('BAD_REQUEST', 'Malformed context name'))
      }
      return context(req, name)
    }
    return view(req, rest)
  }

  return {
    prefix,
    maxBodyBytes,
    maxUploadBytes,
    core,
    async handle(req) {
      try {
        return await route(req)
      } catch (error) {
        return failure(req, error)
      }
    },
    callCheck,
    callWithText,
    failure,
  }
}

/** Whether the caller reads server-sent events: only then does a streaming function stream. */
function wantsStream(req: MizanRequest): boolean {
  return (req.headers.get('accept') ?? '').includes('text/event-stream')
}

/** Headers a handler set through `ctx.responseHeaders` (several Set-Cookie stay separate). */
function withHandlerHeaders(res: WireResponse, ctx: RequestContext<MizanUser>): WireResponse {
  // A context from `contextOf` makes its Headers only when a handler asked for them.
  const set = RESPONSE_HEADERS in ctx ? (ctx as { [RESPONSE_HEADERS]?: Headers })[RESPONSE_HEADERS] : ctx.responseHeaders
  if (!set) return res
  set.forEach((value, name) => {
    if (name !== 'set-cookie') res.headers[name] = value
  })
  const cookies = set.getSetCookie()
  if (cookies.length) res.headers['Set-Cookie'] = cookies
  return res
}

/** The multipart body as it arrives; whole, when a body parser (Express) already read it. */
function uploadStream(req: MizanRequest): AsyncIterable<Uint8Array> {
  if (req.bodyStream) {
    const stream = req.bodyStream()
    if (stream) return stream
  }
  const { readBytes } = req
  if (!readBytes) throw new MizanError('BAD_REQUEST', 'multipart/form-data is not supported on this transport')
  return (async function* () {
    yield await readBytes.call(req)
  })()
}
