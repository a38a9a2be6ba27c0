import { createDispatcher, type DispatchOptions, type DispatchResult } from '../dispatch.ts'
import type { MizanUser } from '../defineClient.ts'
import { BodyEndedEarlyError, BodyTooLargeError } from '../http-parts.ts'
import { decodeUtf8 } from '../json-body.ts'
import type { AnyServerRouter } from '../router.ts'
import { isResponse } from '../is-response.ts'

export type FetchHandlerOptions<TUser extends MizanUser> = DispatchOptions<TUser>

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (declared > limit) throw new BodyTooLargeError(limit)
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw new BodyEndedEarlyError()
    })
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw new BodyTooLargeError(limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  const body = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.byteLength
  }
  return body
}

function toResponse(result: DispatchResult): Response {
  if (isResponse(result)) return result
  const headers = new Headers()
  for (const [name, value] of Object.entries(result.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  return new Response(result.body, { status: result.status, headers })
}

/**
 * `(Request) => Promise<Response>` for Hono, Next.js route handlers, Bun and Deno.
 * Paths outside the prefix answer 404 in the protocol's envelope.
 */
export function createFetchHandler<TUser extends MizanUser>(router: AnyServerRouter, options: FetchHandlerOptions<TUser> = {}) {
  const dispatcher = createDispatcher(router, options)
  return async function handle(request: Request): Promise<Response> {
    const result = await dispatcher.handle({
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      readBody: async () => decodeUtf8(await readLimited(request, dispatcher.maxBodyBytes)),
      readBytes: () => readLimited(request, dispatcher.maxBodyBytes),
      bodyStream: () => (request.bodyUsed || !request.body ? undefined : (request.body as unknown as AsyncIterable<Uint8Array>)),
      raw: request,
      signal: request.signal,
    })
    if (result) return toResponse(result)
    return new Response(JSON.stringify({ error: true, code: 'NOT_FOUND', message: 'Not found' }), {
      status: 404,
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    })
  }
}
