/**
 * EXPERIMENT, not our library's number: the same router and dispatcher as mizan.ts behind a
 * node adapter variant that creates the per-request AbortController only when something reads
 * `signal` (src/server/adapters/node.ts creates one, plus a 'close' listener, for every request).
 * `npm run bench -- --only=http --lean` adds it as a row, to size that change before anyone
 * makes it in src/. Everything else (Headers, URL, strict UTF-8 body, send) mirrors the adapter.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createDispatcher, type DispatchResult, type MizanRequest } from '../../../src/server/dispatch.ts'
import { BodyTooLargeError } from '../../../src/server/http-parts.ts'
import { decodeUtf8 } from '../../../src/server/json-body.ts'
import type { AnyServerRouter } from '../../../src/server/router.ts'
import { listen } from './bare.ts'
import { mizanRouter } from './mizan.ts'
import type { Started } from './types.ts'

function readLimited(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
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
    req.on('end', () => {
      try {
        resolve(decodeUtf8(Buffer.concat(chunks)))
      } catch (error) {
        reject(error)
      }
    })
    req.on('error', reject)
  })
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  return headers
}

async function send(res: ServerResponse, result: DispatchResult): Promise<void> {
  if (result instanceof Response) {
    res.writeHead(result.status, Object.fromEntries(result.headers))
    res.end(Buffer.from(await result.arrayBuffer()))
    return
  }
  res.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) })
  res.end(result.body)
}

export async function start(): Promise<Started> {
  const dispatcher = createDispatcher(mizanRouter as unknown as AnyServerRouter, { csrf: false })
  const server = createServer(async (req, res) => {
    let controller: AbortController | undefined
    const request: MizanRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://localhost'),
      headers: toHeaders(req),
      readBody: () => readLimited(req, dispatcher.maxBodyBytes),
      raw: req,
      get signal() {
        if (!controller) {
          const c = (controller = new AbortController())
          res.on('close', () => {
            if (!res.writableFinished) c.abort()
          })
        }
        return controller.signal
      },
    }
    const result = await dispatcher.handle(request)
    if (result) await send(res, result)
    else res.writeHead(404).end()
  })
  return listen(server)
}
