import type { IncomingMessage, ServerResponse } from 'node:http'
import { createDispatcher, type DispatchOptions, type DispatchResult } from '../dispatch.ts'
import type { MizanUser } from '../defineClient.ts'
import { BodyTooLargeError } from '../http-parts.ts'
import { decodeUtf8 } from '../json-body.ts'
import { NodeHeaders } from './node-headers.ts'
import type { AnyServerRouter } from '../router.ts'

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
    req.on('error', reject)
  })
}


async function send(res: ServerResponse, result: DispatchResult): Promise<void> {
  if (result instanceof Response) {
    const headers: Record<string, string | string[]> = {}
    result.headers.forEach((value, name) => {
      headers[name] = value
    })
    const setCookies = result.headers.getSetCookie()
    if (setCookies.length) headers['set-cookie'] = setCookies
    res.writeHead(result.status, headers)
    res.end(Buffer.from(await result.arrayBuffer()))
    return
  }
  res.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) })
  res.end(result.body)
}

/**
 * A `(req, res, next?)` handler for `node:http`, usable as Express or Connect middleware:
 * paths outside the prefix go to `next`, or get a 404 envelope when there is none.
 */
export function createNodeHandler<TUser extends MizanUser>(router: AnyServerRouter, options: NodeHandlerOptions<TUser> = {}) {
  const dispatcher = createDispatcher(router, options)
  return async function handle(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): Promise<void> {
    const controller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) controller.abort()
    })
    const url = new URL((req as ExpressRequestLike).originalUrl ?? req.url ?? '/', 'http://localhost')
    // Start reading our own requests' bodies at once: listeners attached a few awaits later make
    // node deliver the body, and write the answer, in later ticks, which halves throughput.
    const ours = url.pathname.startsWith(dispatcher.prefix + '/')
    const body = ours ? bodyOf(req, dispatcher.maxBodyBytes) : undefined
    body?.catch(() => {})
    const bytes = () => body ?? readLimited(req, dispatcher.maxBodyBytes)
    try {
      const result = await dispatcher.handle({
        method: req.method ?? 'GET',
        url,
        headers: new NodeHeaders(req.headers),
        readBody: async () => decodeUtf8(await bytes()),
        readBytes: bytes,
        raw: req,
        signal: controller.signal,
      })
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
