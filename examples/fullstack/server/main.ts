/**
 * One node:http server for the whole example: Mizan under /api/mizan, the Mizan WebSocket at /ws/
 * (channels and live invalidation, on the same port), and the built web app
 * (examples/fullstack/web/dist) for every other path, so the page, the API and the socket share
 * one origin and cookies (session, CSRF) need no CORS setup.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import { createNodeHandler } from 'mizan-ts/adapters/node'
import { attachWebSocket, type MizanWebSocketServer } from 'mizan-ts/adapters/ws'
import { createChannelHub, type ChannelHub } from 'mizan-ts/server'
import { router } from './router.ts'
import { renderSsrPage } from './ssr-page.tsx'
import { userFromHeaders, type DemoUser } from './session.ts'

export const API_PREFIX = '/api/mizan'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
}

export interface StartOptions {
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** When the port is taken, take any free one instead of failing. */
  fallbackPort?: boolean
  /** The Vite build output; omit to serve the API alone (as under `vite dev`). */
  staticDir?: string
}

export interface RunningServer {
  server: Server
  url: string
  /** Where channel messages and live invalidations fan out (in memory: one process). */
  hub: ChannelHub
  websocket: MizanWebSocketServer
  close(): Promise<void>
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(text)
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed')
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  } catch {
    // A malformed percent-escape (`/%E0%A4%A`) is the client's mistake: a 400, not a server error.
    return sendText(res, 400, 'Bad request: malformed path')
  }
  // A NUL byte is no file name anywhere.
  if (pathname.includes('\0')) return sendText(res, 400, 'Bad request: malformed path')
  let file = resolve(root, '.' + pathname)
  // A path that climbs out of the build directory is never served.
  if (file !== root && !file.startsWith(root + sep)) return sendText(res, 404, 'Not found')
  const info = await stat(file).catch(() => null)
  if (info?.isDirectory()) file = join(file, 'index.html')
  else if (!info) {
    // Unknown asset → 404; unknown page → the app shell (client-side routes).
    if (extname(pathname)) return sendText(res, 404, 'Not found')
    file = join(root, 'index.html')
  }
  const body = await readFile(file).catch(() => null)
  if (!body) return sendText(res, 404, 'Not found: build the web app first (npm start does)')
  // Hashed assets never change; the HTML shell must be revalidated so a rebuild shows up.
  const immutable = file.includes(`${sep}assets${sep}`)
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening)
      reject(err)
    }
    const onListening = () => {
      server.off('error', onError)
      resolvePromise()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const staticRoot = options.staticDir ? resolve(options.staticDir) : undefined
  const resolveUser = (req: { headers: Headers }) => userFromHeaders(req.headers)
  // In memory, no Redis: one process hears all of its sockets. A multi-process deployment would
  // give it a RedisBus (mizan-ts/channels/redis) and share it between processes.
  const hub = createChannelHub()
  const mizan = createNodeHandler<DemoUser>(router, {
    prefix: API_PREFIX,
    resolveUser,
    // A mutation over HTTP tells the hub what it invalidated or merged; the hub pushes that to
    // every socket watching the affected bundles (live invalidation, in other browsers too).
    onInvalidate: hub.invalidated,
    maxUploadBytes: 50 * 1024 * 1024,
  })
  const server = createServer((req, res) => {
    void mizan(req, res, (err?: unknown) => {
      if (err) {
        console.error('[fullstack] request failed:', err)
        if (!res.headersSent) sendText(res, 500, 'Internal error')
        else res.end()
        return
      }
      if (!staticRoot) return sendText(res, 404, 'Not found')
      if (req.method === 'GET' && /^\/ssr\/?(\?|$)/.test(req.url ?? '')) {
        renderSsrPage(req, res, staticRoot).catch((e: unknown) => {
          console.error('[fullstack] /ssr failed:', e)
          if (!res.headersSent) sendText(res, 500, 'Internal error')
          else res.end()
        })
        return
      }
      serveStatic(staticRoot, req, res).catch((e: unknown) => {
        console.error('[fullstack] static file failed:', e)
        if (!res.headersSent) sendText(res, 500, 'Internal error')
      })
    })
  })
  // The socket shares the port: `upgrade` requests to /ws/ go to Mizan, everything else stays HTTP.
  // Same identity as HTTP (the session cookie rides the handshake), same origin check (a cookie
  // session only from this host). The adapter wires its own socket mutations into the hub, so
  // `onInvalidate` is given to the HTTP handler above only.
  const websocket = attachWebSocket<DemoUser>(server, router, { prefix: API_PREFIX, resolveUser, hub, liveInvalidation: true })
  try {
    await listen(server, host, options.port ?? 3000)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.fallbackPort) throw err
    await listen(server, host, 0)
  }
  const { port } = server.address() as AddressInfo
  return {
    server,
    url: `http://${host}:${port}/`,
    hub,
    websocket,
    close: async () => {
      // Upgraded sockets are no longer the http server's: close them first (1001, "going away").
      await websocket.close()
      await new Promise<void>((done) => {
        server.close(() => done())
        // Keep-alive sockets from the browser would otherwise hold close() open.
        server.closeAllConnections()
      })
    },
  }
}
