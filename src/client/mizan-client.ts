import { parseInvalidateHeader } from '../shared/invalidate-header.ts'
import { DIALECTS, ROUTES, SUPERJSON_HEADER, type InvalidateEntry, type MergeEntry, CLIENT_ID_HEADER } from '../shared/protocol.ts'
import type { AnyRouter } from '../shared/types.ts'
import { createCookieStore } from './cookies.ts'
import { createCsrfManager } from './csrf.ts'
import { errorFromBody, invalidResponse } from './errors.ts'
import type { MizanClientOptions, OptionsArgs } from './options.ts'
import { withRetry } from './retry.ts'
import { exchange, mergeHeaders, type Transport } from './transport.ts'
import type { CallOptions, CallOutcome, ContextOptions, MizanClient, UntypedMizanClient, WireBundle } from './types.ts'
import { createNaming } from './wire-names.ts'
import { WsConnection, type UntypedRealtime } from './ws-transport.ts'

const JSON_TYPE = 'application/json'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function queryString(params: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value !== undefined) search.append(name, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

/**
 * The framework-free client. It knows the router only as a type: wire names come from the
 * naming rule plus `wireNames`, so nothing from the server is bundled.
 *
 * ```ts
 * const client = createMizanClient<AppRouter>({ baseUrl: 'https://api.example.com/api/mizan' })
 * const { result } = await client.call('echo', { text: 'hi' })
 * ```
 */
export function createMizanClient<R extends AnyRouter>(...args: OptionsArgs<MizanClientOptions<R>>): MizanClient<R> {
  const options: MizanClientOptions<AnyRouter> = args[0] ?? {}
  const dialect = options.dialect ?? 'mizan'
  const spelling = DIALECTS[dialect]
  const baseUrl = (options.baseUrl ?? spelling.prefix).replace(/\/+$/, '')
  const naming = createNaming((options as { wireNames?: Record<string, string> }).wireNames)
  const transformer = options.transformer
  const retryPolicy = { retries: options.retry?.context ?? 2, baseDelayMs: options.retry?.baseDelayMs ?? 200 }
  // Sent with every call so live invalidation spares this client its own changes.
  const clientId = newClientId()
  const userHeaders = options.headers
  const transport: Transport = {
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    credentials: options.credentials ?? 'same-origin',
    headers: async () => mergeHeaders(userHeaders, { [CLIENT_ID_HEADER]: clientId }),
    cookies: createCookieStore(),
  }
  const wantsMeta: HeadersInit = transformer ? { [SUPERJSON_HEADER]: '1' } : {}
  const csrf = createCsrfManager(options.csrf, transport.cookies, session, spelling.tokenHeader)
  // One socket per client, opened on first use (a call routed to it, a channel, a watch).
  let socket: WsConnection | undefined
  const ws = () =>
    (socket ??= new WsConnection({ ...options.websocket, baseUrl, clientId, clientHeaders: options.headers, cookies: transport.cookies }))
  const routing = options.transport ?? 'http'
  // Forms (`<form>.schema|validate|submit`, dotted wire names) always use HTTP, whatever the routing.
  const viaSocket = (key: string) =>
    !key.includes('.') && (routing === 'websocket' || (typeof routing === 'object' && routing.websocket.includes(key)))

  async function callOverSocket(key: string, input: unknown, callOptions: CallOptions): Promise<CallOutcome<unknown>> {
    const frame: Record<string, unknown> = { action: 'rpc', fn: naming.wireName(key), args: input ?? {} }
    if (transformer) {
      const { json, meta } = transformer.serialize(input ?? {})
      frame['args'] = json
      if (meta !== undefined) frame['meta'] = meta
      frame['superjson'] = true
    }
    const reply = await ws().request(frame, 'call', `call '${String(frame['fn'])}'`, callOptions.signal)
    const body = reply['data']
    if (!isRecord(body) || !('result' in body)) throw invalidResponse(200, 'WebSocket RPC reply has no result')
    const result = transformer && body['meta'] !== undefined ? transformer.deserialize({ json: body['result'], meta: body['meta'] }) : body['result']
    const invalidate = Array.isArray(body['invalidate']) ? (body['invalidate'] as InvalidateEntry[]) : []
    const merge = Array.isArray(body['merge']) ? (body['merge'] as MergeEntry[]) : []
    return { result, invalidate, merge }
  }

  async function contextOverSocket(name: string, params: Record<string, unknown> | undefined, signal: AbortSignal | undefined): Promise<WireBundle> {
    const frame: Record<string, unknown> = { action: 'ctx', context: name, params: params ?? {} }
    if (transformer) frame['superjson'] = true
    const read = async () => {
      const reply = await ws().request(frame, 'read', `context '${name}'`, signal)
      const bundle = reply['data']
      if (!isRecord(bundle)) throw invalidResponse(200, `Context '${name}' did not answer with an object`)
      return transformer && reply['meta'] !== undefined ? (transformer.deserialize({ json: bundle, meta: reply['meta'] }) as WireBundle) : bundle
    }
    return withRetry(read, retryPolicy, signal)
  }

  async function session(): Promise<string> {
    const headers = await mergeHeaders(transport.headers, { Accept: JSON_TYPE })
    const { body } = await exchange(transport, baseUrl + ROUTES.session, { method: 'GET', headers })
    const token = isRecord(body) ? body['csrfToken'] : undefined
    if (typeof token !== 'string') throw invalidResponse(200, 'Session response carries no csrfToken')
    csrf.remember(token)
    return token
  }

  async function call(key: string, input?: unknown, callOptions: CallOptions = {}): Promise<CallOutcome<unknown>> {
    if (viaSocket(key)) return callOverSocket(key, input, callOptions)
    const headers = await mergeHeaders(transport.headers, { Accept: JSON_TYPE, 'Content-Type': JSON_TYPE }, wantsMeta, callOptions.headers)
    await csrf.protect(headers)
    const args = input ?? {}
    const payload: Record<string, unknown> = { fn: naming.wireName(key), args }
    if (transformer) {
      const { json, meta } = transformer.serialize(args)
      payload['args'] = json
      if (meta !== undefined) payload['meta'] = meta
    }
    const { response, body } = await exchange(transport, baseUrl + ROUTES.call, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      signal: callOptions.signal,
    })
    if (!isRecord(body) || !('result' in body)) {
      // A 2xx that still carries an envelope (a WebSocket bridge, a lenient proxy) is an error, not a result.
      if (isRecord(body) && 'error' in body) throw errorFromBody(response.status, response.statusText, JSON.stringify(body))
      throw invalidResponse(response.status, 'Call response has no result')
    }
    const result = transformer && body['meta'] !== undefined ? transformer.deserialize({ json: body['result'], meta: body['meta'] }) : body['result']
    const header = response.headers.get(spelling.invalidateHeader)
    const invalidate = Array.isArray(body['invalidate']) ? (body['invalidate'] as InvalidateEntry[]) : header ? parseInvalidateHeader(header) : []
    const merge = Array.isArray(body['merge']) ? (body['merge'] as MergeEntry[]) : []
    return { result, invalidate, merge }
  }

  async function context(name: string, params?: Record<string, unknown>, contextOptions: ContextOptions = {}): Promise<WireBundle> {
    if (viaSocket(name)) return contextOverSocket(name, params, contextOptions.signal)
    const url = `${baseUrl}${ROUTES.contextPrefix}${encodeURIComponent(name)}/${queryString(params)}`
    const { signal } = contextOptions
    return withRetry(
      async () => {
        const headers = await mergeHeaders(transport.headers, { Accept: JSON_TYPE }, wantsMeta)
        const { response, body } = await exchange(transport, url, { method: 'GET', headers, signal })
        if (!isRecord(body)) throw invalidResponse(response.status, `Context '${name}' did not answer with an object`)
        const meta = response.headers.get(`${SUPERJSON_HEADER}-Meta`)
        if (!transformer || !meta) return body
        try {
          return transformer.deserialize({ json: body, meta: JSON.parse(meta) }) as WireBundle
        } catch (error) {
          throw invalidResponse(response.status, `Context '${name}' sent unreadable superjson metadata`, error)
        }
      },
      retryPolicy,
      signal,
    )
  }

  const realtime: UntypedRealtime = {
    channel: (key, params, handlers) => ws().channel(naming.wireName(key), params, handlers),
    watch: (context, params) => ws().watch(context, params),
    onInvalidate: (listener) => ws().onInvalidate(listener),
    get connection() {
      return ws().connection
    },
  }
  const client: UntypedMizanClient & UntypedRealtime = {
    baseUrl,
    dialect,
    call,
    context,
    session,
    wireName: naming.wireName,
    keyOf: naming.keyOf,
    channel: realtime.channel,
    watch: realtime.watch,
    onInvalidate: realtime.onInvalidate,
    get connection() {
      return ws().connection
    },
  }
  // The channel methods are reached through `realtimeOf(client)` (ws-transport.ts), typed from the router.
  return client as unknown as MizanClient<R>
}

function newClientId(): string {
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
