import type { IncomingMessage, ServerResponse } from 'node:http'
import { createDispatcher, type DispatchOptions, type DispatchResult } from '../dispatch.ts'
import type { MizanUser } from '../defineClient.ts'
import { BodyEndedEarlyError, BodyTooLargeError, isMultipartType, type WireResponse } from '../http-parts.ts'
import type { MizanRequest } from '../dispatch-types.ts'
import { decodeUtf8 } from '../json-body.ts'
import { NodeHeaders } from './node-headers.ts'
import { writeResponseBody } from './node-response-body.ts'
import { discardRest, uploadBody } from './node-upload-body.ts'
import { MizanError } from '../../shared/errors.ts'
import type { AnyServerRouter } from '../router.ts'
import { isResponse } from '../is-response.ts'

/** Express keeps the full path here when a router is mounted under a sub-path, and a body parser the body. */
type ExpressRequestLike = IncomingMessage & { originalUrl?: string; body?: unknown }

/** The body, whether the stream is still ours to read or a body parser (Express) read it first. */
function bodyOf(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  if (!req.readableEnded) return readLimited(req, limit)
  const parsed = (req as ExpressRequestLike).body
  if (parsed === undefined || parsed === null) return Promise.resolve(new Uint8Array())
  if (typeof parsed === 'string') return Promise.resolve(Buffer.from(parsed, 'utf8'))
  if (parsed instanceof Uint8Array) return Promise.resolve(parsed)
  return Promise.resolve(Buffer.from(JSON.stringify(parsed), 'utf8'))
}

export type NodeHandlerOptions<TUser extends MizanUser> = DispatchOptions<TUser>

function readLimited(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (declared > limit) {
      req.resume()
      reject(new BodyTooLargeError(limit))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners('data')
        req.resume()
        reject(new BodyTooLargeError(limit))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    // The stream errs only when the client left mid-body.
    req.on('error', () => reject(new BodyEndedEarlyError()))
  })
}


async function send(res: ServerResponse, result: DispatchResult): Promise<void> {
  if (isResponse(result)) {
    const headers: Record<string, string | string[]> = {}
    result.headers.forEach((value, name) => {
      headers[name] = value
    })
    const setCookies = result.headers.getSetCookie()
    if (setCookies.length) headers['set-cookie'] = setCookies
    res.writeHead(result.status, headers)
    await writeResponseBody(res, result.body)
    return
  }
  res.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) })
  res.end(result.body)
}

/** The reply, written at once: one `writeHead` with the headers as a flat list, then `end`. */
function sendWire(res: ServerResponse, result: WireResponse): void {
  const flat: (string | string[])[] = []
  const headers = result.headers
  for (const name in headers) flat.push(name, headers[name] as string | string[])
  flat.push('Content-Length', String(Buffer.byteLength(result.body)))
  res.writeHead(result.status, flat as string[])
  res.end(result.body)
}

/**
 * A node request as a `MizanRequest`: the URL and the AbortSignal are made only when something
 * reads them (a user resolver, a handler), and nothing is allocated per request beyond the
 * instance itself. `body`, when given, is the read already under way.
 */
class NodeRequest implements MizanRequest {
  readonly headers: Headers
  private controller: AbortController | undefined

  constructor(
    readonly raw: IncomingMessage,
    private readonly res: ServerResponse,
    readonly method: string,
    private readonly rawUrl: string,
    private readonly limit: number,
    private parsedUrl?: URL,
    private readonly body?: Promise<Uint8Array>,
    private readonly uploadLimit = limit,
  ) {
    this.headers = new NodeHeaders(raw.headers)
  }

  get url(): URL {
    return (this.parsedUrl ??= new URL(this.rawUrl, 'http://localhost'))
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController()
      const res = this.res
      this.controller = controller
      // Asked for after the client went away: aborted already, as an eager listener would have left it.
      if (res.closed) {
        if (!res.writableFinished) controller.abort()
      } else {
        res.on('close', () => {
          if (!res.writableFinished) controller.abort()
        })
      }
    }
    return this.controller.signal
  }

  async readBody(): Promise<string> {
    return decodeUtf8(await this.readBytes())
  }

  readBytes(): Promise<Uint8Array> {
    return this.body ?? bodyOf(this.raw, this.limit)
  }

  bodyStream(): AsyncIterable<Uint8Array> | undefined {
    if (this.body || this.raw.readableEnded) return undefined
    return uploadBody(this.raw, this.uploadLimit)
  }
}

/**
 * A `(req, res, next?)` handler for `node:http`, usable as Express or Connect middleware:
 * paths outside the prefix go to `next`, or get a 404 envelope when there is none.
 */
export function createNodeHandler<TUser extends MizanUser>(router: AnyServerRouter, options: NodeHandlerOptions<TUser> = {}) {
  const dispatcher = createDispatcher(router, options)
  const callPath = dispatcher.prefix + '/call/'
  // The fast path matches the raw path text, so only a prefix that URL parsing leaves as it is.
  const fastPathOk = new URL(callPath, 'http://localhost').pathname === callPath

  function deliver(res: ServerResponse, result: DispatchResult, next?: (err?: unknown) => void): void {
    try {
      if (isResponse(result)) {
        send(res, result).catch((error: unknown) => fail(res, error, next))
        return
      }
      sendWire(res, result)
    } catch (error) {
      fail(res, error, next)
    }
  }

  function fail(res: ServerResponse, error: unknown, next?: (err?: unknown) => void): void {
    if (next) return next(error)
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ error: true, code: 'INTERNAL_ERROR', message: 'An internal error occurred' }))
  }

  /**
   * `POST {prefix}/call/` (no query, not multipart, body still on the wire): no URL unless asked
   * for, an AbortSignal only when a handler reads it, and the reply written in the tick the body
   * ends when the function is synchronous.
   */
  function fastCall(req: IncomingMessage, res: ServerResponse, rawUrl: string, next?: (err?: unknown) => void): void {
    const request = new NodeRequest(req, res, 'POST', rawUrl, dispatcher.maxBodyBytes)
    const refused = dispatcher.callCheck(request)
    if (refused) {
      // As the general path: the body is read (and dropped) while the refusal is written.
      readLimited(req, dispatcher.maxBodyBytes).catch(() => {})
      return deliver(res, refused, next)
    }
    const limit = dispatcher.maxBodyBytes
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (declared > limit) {
      req.resume()
      return deliver(res, dispatcher.failure(request, new BodyTooLargeError(limit)), next)
    }
    // Plain state and anonymous listeners: nothing per request but what the body needs.
    const state = { chunks: [] as Buffer[], size: 0, done: false }
    req.on('data', (chunk: Buffer) => {
      if (state.done) return
      state.size += chunk.length
      if (state.size > limit) {
        req.removeAllListeners('data')
        req.resume()
        state.done = true
        deliver(res, dispatcher.failure(request, new BodyTooLargeError(limit)), next)
        return
      }
      state.chunks.push(chunk)
    })
    req.on('end', () => {
      if (state.done) return
      state.done = true
      const chunks = state.chunks
      let result: DispatchResult | Promise<DispatchResult>
      try {
        result = dispatcher.callWithText(request, decodeUtf8(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)))
      } catch (error) {
        result = dispatcher.failure(request, error)
      }
      if (result instanceof Promise) result.then((r) => deliver(res, r, next), (error: unknown) => fail(res, error, next))
      else deliver(res, result, next)
    })
    // No 'error' listener: the stream errs only when the client left mid-body, when there is no
    // one to answer, and node drops the error when nothing listens (a listener per request costs).
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): Promise<void> {
    const rawUrl = (req as ExpressRequestLike).originalUrl ?? req.url ?? '/'
    if (fastPathOk && rawUrl === callPath && req.method === 'POST' && !req.readableEnded) {
      const contentType = req.headers['content-type']
      if (!contentType || !isMultipartType(contentType)) return fastCall(req, res, rawUrl, next)
    }
    const url = new URL(rawUrl, 'http://localhost')
    const method = req.method ?? 'GET'
    // Start reading our own requests' bodies at once: listeners attached a few awaits later make
    // node deliver the body, and write the answer, in later ticks, which halves throughput.
    // GET and HEAD carry none worth waiting for.
    const ours = url.pathname.startsWith(dispatcher.prefix + '/') && method !== 'GET' && method !== 'HEAD'
    // An upload is read as it streams (uploads/read-upload.ts), not gathered here.
    const upload = ours && isMultipartType(req.headers['content-type'] ?? '')
    const body = ours && !upload ? bodyOf(req, dispatcher.maxBodyBytes) : undefined
    body?.catch(() => {})
    try {
      const declared = Number(req.headers['content-length'] ?? NaN)
      const uploadLimit = dispatcher.maxUploadBytes + dispatcher.maxBodyBytes
      if (upload && declared > uploadLimit) {
        // Refused before a byte is read; the body is read and dropped so the answer reaches the
        // client, unless it claims to be absurdly large, when the connection is cut instead.
        discardRest(req, declared <= 4 * uploadLimit ? declared : 0)
        return await send(res, dispatcher.failure(new NodeRequest(req, res, method, rawUrl, dispatcher.maxBodyBytes, url), new MizanError('BAD_REQUEST', `Upload exceeds ${dispatcher.maxUploadBytes} bytes`, { status: 413 })))
      }
      const result = await dispatcher.handle(new NodeRequest(req, res, method, rawUrl, dispatcher.maxBodyBytes, url, body, uploadLimit))
      // An upload refused before its body was read (a bad Content-Type): the body still has to go.
      if (upload && !req.readableEnded && req.listenerCount('data') === 0) discardRest(req, uploadLimit)
      if (result) return await send(res, result)
      if (next) return next()
      await send(res, { status: 404, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: JSON.stringify({ error: true, code: 'NOT_FOUND', message: 'Not found' }) })
    } catch (error) {
      if (next) return next(error)
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ error: true, code: 'INTERNAL_ERROR', message: 'An internal error occurred' }))
    }
  }
}

export { closeGracefully } from './node-shutdown.ts'
