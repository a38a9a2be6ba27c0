/**
 * Reading a streaming function (PROTOCOL.md §16) over HTTP: a call sent with
 * `Accept: text/event-stream`, its items yielded as they arrive, the final event's invalidate
 * entries handed to `onFinal`. Breaking out of the loop, or the signal, cancels the request,
 * which stops the generator on the server.
 */
import type { InvalidateEntry } from '../shared/protocol.ts'
import { EVENT_STREAM } from '../shared/extensions.ts'
import { abortedError, errorFromBody, invalidResponse, networkError } from './errors.ts'
import { readSse } from './sse-reader.ts'
import { MizanError } from '../shared/errors.ts'

export interface StreamOptions {
  signal?: AbortSignal
  headers?: HeadersInit
  /** Resume after this event id (sent as `Last-Event-ID`); the generator decides what that means. */
  lastEventId?: string
  /** Each item's event id, when the server tracked it: what a reconnect resumes after. */
  onEventId?(id: string): void
  /** The stream ended: the invalidate entries of a streaming mutation, to apply now. */
  onFinal?(outcome: { invalidate: InvalidateEntry[] }): void
}

type Exchange = (path: string, extra: (HeadersInit | undefined)[], body: BodyInit, signal: AbortSignal) => Promise<Response>

export async function* streamCall(exchange: Exchange, path: string, body: string, options: StreamOptions = {}): AsyncGenerator<unknown, void, undefined> {
  const { signal } = options
  // Our own controller: leaving the loop early must close the connection even without a signal.
  const controller = new AbortController()
  const stop = () => controller.abort(signal?.reason)
  if (signal?.aborted) throw abortedError(signal.reason)
  signal?.addEventListener('abort', stop, { once: true })
  try {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: EVENT_STREAM }
    if (options.lastEventId !== undefined) headers['Last-Event-ID'] = options.lastEventId
    const response = await exchange(path, [headers, options.headers], body, controller.signal)
    const { status } = response
    if (!(response.headers.get('content-type') ?? '').startsWith(EVENT_STREAM)) {
      const text = await response.text().catch(() => '')
      if (!response.ok) throw errorFromBody(status, response.statusText, text)
      throw invalidResponse(status, 'Expected an event stream (is this function a generator, and does the server stream?)')
    }
    if (!response.body) throw invalidResponse(status, 'Event stream without a body')
    try {
      for await (const event of readSse(response.body)) {
        if (event.event === 'error') throw errorFromBody(500, 'Stream failed', event.data)
        if (event.event === 'done') {
          const final = JSON.parse(event.data) as { invalidate?: InvalidateEntry[] }
          options.onFinal?.({ invalidate: Array.isArray(final.invalidate) ? final.invalidate : [] })
          return
        }
        if (event.id !== undefined) options.onEventId?.(event.id)
        yield JSON.parse(event.data) as unknown
      }
    } catch (error) {
      if (error instanceof MizanError) throw error
      throw signal?.aborted ? abortedError(signal.reason) : networkError(error)
    }
    throw networkError('The event stream ended before its final event')
  } finally {
    signal?.removeEventListener('abort', stop)
    controller.abort()
  }
}
