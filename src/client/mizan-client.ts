import { MizanError } from '../shared/errors.ts'
import {
  CALL_ROUTE,
  CLIENT_ID_HEADER,
  CONTEXT_ROUTE_PREFIX,
  CSRF_COOKIE,
  CSRF_HEADER,
  SESSION_ROUTE,
  type InvalidateEntry,
  type MergeEntry,
} from '../shared/protocol.ts'
import type { AnyRouter } from '../shared/types.ts'
import { trimTrailingSlashes } from '../shared/trim-slashes.ts'
import { createCookieStore } from '#client-cookies'
import { abortedError, errorFromBody, invalidResponse, networkError } from './errors.ts'
import type { MizanClientOptions, OptionsArgs } from './options.ts'
import { isRecord, sortedParams } from './params.ts'
import { withRetry } from './retry.ts'
import { abortable, addCookie, mergeHeaders } from './transport.ts'
import type { Answer, CallOptions, CallOutcome, ContextOptions, MizanClient, UntypedMizanClient, WireBundle } from './types.ts'
import { createNaming } from './wire-names.ts'
import { plainJson } from './json.ts'

const JSON_TYPE = 'application/json'

function list<T>(value: unknown): T[] | undefined {
  return Array.isArray(value) ? (value as T[]) : undefined
}

/**
 * The framework-free client. It knows the router only as a type: wire names come from the
 * naming rule plus `wireNames`, so nothing from the server is bundled.
 *
 * ```ts
 * const client = createMizanClient<AppRouter>({ baseUrl: 'https://api.example.com/api/mizan' })
 * const { result } = await client.call('echo', { text: 'hi' })
 * ```
 *
 * HTTP and JSON only; the rest is plugged in, so that it reaches only the bundles that use it:
 * the socket (`websocket: { connect: webSocketTransport }`, `mizan-ts/client/ws`) and rich types
 * (`transformer: superjsonTransformer(superjson)`, `mizan-ts/client/superjson`).
 */
export function createMizanClient<R extends AnyRouter>(...args: OptionsArgs<MizanClientOptions<R>>): MizanClient<R> {
  const options: MizanClientOptions<AnyRouter> = args[0] ?? {}
  const { dialect = 'mizan', transformer, transport, invalidateHeader, headers: userHeaders, json = plainJson } = options
  const connect = options.websocket?.connect
  if (transport && transport !== 'http' && !connect) throw new Error("Mizan: transport needs websocket.connect (webSocketTransport, 'mizan-ts/client/ws')")
  // The dialect's spelling as DIALECTS writes it (test/client/plugins.test.tsx checks the two agree).
  const Dialect = dialect[0]!.toUpperCase() + dialect.slice(1)
  const baseUrl = trimTrailingSlashes(options.baseUrl ?? `/api/${dialect}`)
  const naming = createNaming((options as { wireNames?: Record<string, string> }).wireNames)
  // 128 random bits, as four decimal numbers. Live invalidation uses it to spare this client's
  // socket its own changes, so it goes on every call only when the client has a socket at all.
  const clientId = globalThis.crypto.getRandomValues(new Uint32Array(4)).join('_')
  const baseHeaders: Record<string, string> = connect ? { [CLIENT_ID_HEADER]: clientId, Accept: JSON_TYPE } : { Accept: JSON_TYPE }
  const cookies = createCookieStore()
  // Django's double-submit CSRF: the `csrftoken` cookie echoed in `X-CSRFToken`. The cookie is
  // preferred to the token a session response handed out, because Django rotates it at login;
  // the remembered one covers HttpOnly cookies that JS cannot read.
  const { cookieName = CSRF_COOKIE, headerName = CSRF_HEADER, bootstrap = true } = options.csrf || {}
  let remembered: string | undefined
  let bootstrapping: Promise<unknown> | undefined
  const csrfToken = () => cookies.get(cookieName) ?? remembered

  /**
   * One HTTP exchange with `{baseUrl}{path}`: the client's headers, then `extra`; a POST carries
   * the CSRF token. Cookies in and out, every failure as a `MizanError`; the response, unread.
   */
  async function exchange(path: string, extra: (HeadersInit | undefined)[], body?: BodyInit, signal?: AbortSignal): Promise<Response> {
    const url = baseUrl + path
    const headers = await mergeHeaders(userHeaders, baseHeaders, ...extra)
    if (body && options.csrf !== false && !headers.has(headerName)) {
      // Token-authenticated requests are exempt on the server; a session round trip would be wasted.
      // Concurrent first calls share one bootstrap; a failed one is retried by the next call, and
      // the call itself goes out anyway so the server's own answer explains the failure.
      if (!csrfToken() && bootstrap && !headers.has(`X-${Dialect}-Token`) && !headers.get('authorization')?.startsWith('Bearer ')) {
        await (bootstrapping ??= session().catch(() => (bootstrapping = undefined)))
      }
      const token = csrfToken()
      if (token) headers.set(headerName, token)
    }
    addCookie(headers, cookies.header())
    const init: RequestInit = { method: body ? 'POST' : 'GET', headers, credentials: options.credentials ?? 'same-origin', body, signal }
    try {
      const response = await abortable(() => (options.fetch ?? globalThis.fetch)(url, init), signal)
      cookies.capture(response)
      return response
    } catch (error) {
      throw signal?.aborted ? abortedError(signal.reason) : error instanceof MizanError ? error : networkError(error)
    }
  }

  /** `exchange`, then the body as JSON (a failed status as its error). */
  async function send(path: string, extra: (HeadersInit | undefined)[], body?: BodyInit, signal?: AbortSignal): Promise<Answer> {
    const response = await exchange(path, extra, body, signal)
    let text: string
    try {
      text = await abortable(() => response.text(), signal)
    } catch (error) {
      throw signal?.aborted ? abortedError(signal.reason) : error instanceof MizanError ? error : networkError(error)
    }
    const { status } = response
    if (!response.ok) throw errorFromBody(status, response.statusText, text)
    try {
      // An integer beyond 2^53 is never silently rounded: exact with `json: exactJson`, else refused (PROTOCOL.md §15).
      return { body: json.parse(text), status, response }
    } catch (error) {
      throw error instanceof MizanError ? error : invalidResponse(status, `Expected JSON from ${baseUrl + path}`, error)
    }
  }

  async function session(): Promise<string> {
    const { body } = await send(SESSION_ROUTE, [])
    const token = isRecord(body) ? body['csrfToken'] : undefined
    if (typeof token !== 'string') throw invalidResponse(200, 'Session response carries no csrfToken')
    return (remembered = token)
  }

  function payload(key: string, input: unknown): Record<string, unknown> {
    const args = input ?? {}
    return { fn: naming.wireName(key), args, ...transformer?.encode(args) }
  }

  function outcome({ body, status, response }: Answer): CallOutcome<unknown> {
    if (!isRecord(body) || !('result' in body)) {
      // A 2xx that still carries an envelope (a WebSocket bridge, a lenient proxy) is an error, not a result.
      if (isRecord(body) && 'error' in body) throw errorFromBody(status, response?.statusText ?? '', JSON.stringify(body))
      throw invalidResponse(status, 'Call response has no result')
    }
    const header = invalidateHeader && response?.headers.get(`X-${Dialect}-Invalidate`)
    return {
      result: transformer ? transformer.decode(body['result'], body['meta']) : body['result'],
      invalidate: list<InvalidateEntry>(body['invalidate']) ?? (header ? invalidateHeader(header) : []),
      merge: list<MergeEntry>(body['merge']) ?? [],
    }
  }

  function bundle({ body, status, response, meta }: Answer, name: string): WireBundle {
    if (!isRecord(body)) throw invalidResponse(status, `Context '${name}' did not answer with an object`)
    return (transformer ? transformer.decode(body, meta, response) : body) as WireBundle
  }

  const call = async (key: string, input?: unknown, { signal, headers }: CallOptions = {}): Promise<CallOutcome<unknown>> =>
    outcome(await send(CALL_ROUTE, [{ 'Content-Type': JSON_TYPE }, transformer?.headers, headers], json.stringify(payload(key, input)), signal))

  function context(name: string, params?: Record<string, unknown>, { signal }: ContextOptions = {}): Promise<WireBundle> {
    // Sorted by name, `undefined` left out, values as `String()` spells them.
    const query = `${new URLSearchParams(sortedParams(params) as Record<string, string>)}`
    const path = `${CONTEXT_ROUTE_PREFIX}${encodeURIComponent(name)}/${query && `?${query}`}`
    return withRetry(async () => bundle(await send(path, [transformer?.headers], undefined, signal), name), options.retry, signal)
  }

  const client: UntypedMizanClient = { baseUrl, dialect, call, context, session, request: exchange, socket: undefined, ...naming }
  // A socket transport extends the client with its socket and the requests it routes over it.
  return (connect ? connect(client, { options, clientId, cookies, payload, outcome, bundle }) : client) as unknown as MizanClient<R>
}
