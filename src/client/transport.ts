import { MizanError } from '../shared/errors.ts'
import type { CookieStore } from './cookies.ts'
import { abortedError, errorFromBody, invalidResponse, networkError } from './errors.ts'
import type { FetchLike, HeadersOption } from './options.ts'

export interface Transport {
  fetch: FetchLike
  credentials: RequestCredentials
  headers: HeadersOption | undefined
  cookies: CookieStore
}

/** Later sources win, header by header. */
export async function mergeHeaders(option: HeadersOption | undefined, ...sources: (HeadersInit | undefined)[]): Promise<Headers> {
  const out = new Headers()
  const resolved = typeof option === 'function' ? await option() : option
  for (const source of [resolved, ...sources]) {
    if (source) new Headers(source).forEach((value, name) => out.set(name, value))
  }
  return out
}

/**
 * Settle as soon as the signal fires, even if the fetch in use ignores signals (an in-process
 * handler, a polyfill): callers asked to stop waiting, so they stop waiting.
 */
function abortable<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work()
  if (signal.aborted) return Promise.reject(abortedError(signal.reason))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal.reason))
    signal.addEventListener('abort', onAbort, { once: true })
    work().then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

async function readText(response: Response, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await abortable(() => response.text(), signal)
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal.reason)
    throw networkError(error)
  }
}

/**
 * One HTTP exchange: cookies in and out, every failure as a `MizanError`, and the parsed JSON
 * body of a 2xx answer. The response comes along for its headers.
 */
export async function exchange(
  transport: Transport,
  url: string,
  init: { method: string; headers: Headers; body?: string; signal?: AbortSignal | undefined },
): Promise<{ response: Response; body: unknown }> {
  const cookie = transport.cookies.header()
  if (cookie) {
    const own = init.headers.get('cookie')
    init.headers.set('cookie', own ? `${own}; ${cookie}` : cookie)
  }
  const { signal } = init
  let response: Response
  try {
    const request: RequestInit = { method: init.method, headers: init.headers, credentials: transport.credentials }
    if (init.body !== undefined) request.body = init.body
    if (signal) request.signal = signal
    response = await abortable(() => transport.fetch(url, request), signal)
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal.reason)
    if (error instanceof MizanError) throw error
    throw networkError(error)
  }
  transport.cookies.capture(response)
  const text = await readText(response, signal)
  if (!response.ok) throw errorFromBody(response.status, response.statusText, text)
  try {
    return { response, body: JSON.parse(text) as unknown }
  } catch (error) {
    throw invalidResponse(response.status, `Expected JSON from ${url}`, error)
  }
}

