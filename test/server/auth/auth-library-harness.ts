/**
 * A real server for the auth-library adapters: the library's own routes under `/auth-lib/`, Mizan's
 * HTTP handler and WebSocket on the same port, and a cookie jar that keeps what either sets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { attachWebSocket, type WebSocketOptions } from '../../../src/server/adapters/ws.ts'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import type { AnyServerFunction, MizanUser } from '../../../src/server/defineClient.ts'
import { createMizan } from '../../../src/server/mizan.ts'
import { FrameClient } from '../../ws/helpers.ts'

export type NodeRoute = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/** The router every adapter test serves: a signed-in call, a staff call, and the library's sign-out. */
export function authRouter<TUser extends MizanUser & { email?: string | null }>(signOut: AnyServerFunction) {
  const { defineClient, createRouter } = createMizan<TUser>()
  return createRouter({
    currentUser: defineClient({ context: 'global' }, (_input, ctx) => (ctx.user ? { id: String(ctx.user.id), email: ctx.user.email ?? null } : null)),
    whoami: defineClient({ auth: true }, (_input, ctx) => ({ id: String(ctx.user!.id), email: ctx.user!.email ?? null, staff: ctx.user!.isStaff ?? false })),
    staffOnly: defineClient({ auth: 'staff', input: z.object({}).optional() }, () => ({ ok: true })),
    signOut,
  })
}

export class CookieJar {
  private readonly cookies = new Map<string, string>()
  take(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name)
  }
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ')
  }
}

export interface AuthServer {
  url: string
  wsUrl: string
  jar: CookieJar
  fetch(path: string, init?: RequestInit): Promise<Response>
  call(fn: string, args?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; response: Response }>
  socketCall(fn: string, headers?: Record<string, string>): Promise<any>
  close(): Promise<void>
}

export async function startAuthServer<TUser extends MizanUser>(
  router: ReturnType<typeof authRouter>,
  libraryRoute: NodeRoute,
  options: WebSocketOptions<TUser>,
): Promise<AuthServer> {
  const mizan = createNodeHandler(router, options)
  const http = createServer((req, res) => {
    if (req.url?.startsWith('/auth-lib/')) return void libraryRoute(req, res)
    mizan(req, res, () => {
      res.statusCode = 404
      res.end()
    })
  })
  const ws = attachWebSocket(http, router, options)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()))
  const port = (http.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`
  const jar = new CookieJar()

  async function fetchWithJar(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    const cookie = jar.header()
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie)
    if (!headers.has('origin')) headers.set('origin', url)
    const response = await fetch(url + path, { ...init, headers, redirect: 'manual' })
    jar.take(response.headers.getSetCookie())
    return response
  }

  await fetchWithJar('/api/mizan/session/')

  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}${ws.path}`,
    jar,
    fetch: fetchWithJar,
    async call(fn, args = {}, headers = {}) {
      const response = await fetchWithJar('/api/mizan/call/', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrftoken': jar.get('csrftoken') ?? '', ...headers },
        body: JSON.stringify({ fn, args }),
      })
      return { status: response.status, body: await response.json(), response }
    },
    async socketCall(fn, headers = {}) {
      const cookie = jar.header()
      const socket = await FrameClient.connect(`ws://127.0.0.1:${port}${ws.path}`, { origin: url, ...(cookie ? { cookie } : {}), ...headers })
      try {
        return await socket.request({ action: 'rpc', id: 1, fn })
      } finally {
        await socket.close()
      }
    },
    async close() {
      await ws.close()
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}
