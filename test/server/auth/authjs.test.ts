/**
 * Auth.js (@auth/core) as the identity of a Mizan server, for real: its credentials sign-in
 * (CSRF token, form post, JWT session cookie) over HTTP, then Mizan calls over HTTP and
 * WebSocket, then sign-out.
 */
import { Auth, type AuthConfig } from '@auth/core'
import Credentials from '@auth/core/providers/credentials'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authjsSignOutFunction, authjsUser, type AuthjsUser } from '../../../src/server/auth/authjs.ts'
import { authRouter, startAuthServer, type AuthServer } from './auth-library-harness.ts'

const accounts = new Map([
  ['ada@example.com', { id: 'u1', name: 'Ada', role: 'user' }],
  ['boss@example.com', { id: 'u2', name: 'Boss', role: 'admin' }],
])

const config: AuthConfig = {
  secret: 'authjs-test-secret-0123456789abcdef0123456789',
  trustHost: true,
  basePath: '/auth-lib',
  session: { strategy: 'jwt' },
  logger: { error: () => {}, warn: () => {}, debug: () => {} },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      authorize: async (credentials) => {
        const account = accounts.get(String(credentials.email))
        if (!account || credentials.password !== 'correct horse battery') return null
        return { id: account.id, name: account.name, email: String(credentials.email), role: account.role } as never
      },
    }),
  ],
  callbacks: {
    jwt: ({ token, user }) => (user ? { ...token, role: (user as { role?: string }).role } : token),
    session: ({ session, token }) => ({ ...session, user: { ...session.user, id: token.sub!, role: token['role'] } }) as never,
  },
}

/** Auth.js's routes on node:http: the request as a Fetch Request, its Response written back. */
async function authjsRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks)
  const response = await Auth(new Request(`http://${req.headers.host}${req.url}`, { method: req.method!, headers, body }), config)
  res.statusCode = response.status
  response.headers.forEach((value, name) => name !== 'set-cookie' && res.setHeader(name, value))
  res.setHeader('set-cookie', response.headers.getSetCookie())
  res.end(Buffer.from(await response.arrayBuffer()))
}

let server: AuthServer
beforeAll(async () => {
  server = await startAuthServer<AuthjsUser>(authRouter<AuthjsUser>(authjsSignOutFunction(config)), authjsRoute, {
    resolveUser: authjsUser(config, { staffRoles: ['admin'] }),
  })
})
afterAll(() => server?.close())

async function signIn(email: string): Promise<void> {
  const { csrfToken } = (await (await server.fetch('/auth-lib/csrf')).json()) as { csrfToken: string }
  const response = await server.fetch('/auth-lib/callback/credentials', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, email, password: 'correct horse battery' }).toString(),
  })
  expect(response.status).toBe(302)
  expect(server.jar.get('authjs.session-token')).toBeTruthy()
}

describe('Auth.js identity', () => {
  it('signs in through Auth.js, calls auth: true over HTTP and WebSocket, signs out to 401', async () => {
    expect((await server.call('whoami')).status).toBe(401)
    await signIn('ada@example.com')
    const me = await server.call('whoami')
    expect(me.status).toBe(200)
    expect(me.body.result).toEqual({ id: 'u1', email: 'ada@example.com', staff: false })
    expect(await server.socketCall('whoami')).toMatchObject({ ok: true, data: { result: { id: 'u1' } } })
    expect((await server.call('staff_only')).status).toBe(403)

    const out = await server.call('sign_out')
    expect(out.status).toBe(200)
    expect(out.body.invalidate).toEqual(['global'])
    expect(server.jar.get('authjs.session-token')).toBeUndefined()
    expect((await server.call('whoami')).status).toBe(401)
    expect(await server.socketCall('whoami')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it("maps an Auth.js role onto auth: 'staff', and reads the session token as a Bearer token", async () => {
    await signIn('boss@example.com')
    expect((await server.call('staff_only')).body).toMatchObject({ result: { ok: true } })
    const token = server.jar.get('authjs.session-token')!
    const viaBearer = await fetch(`${server.url}/api/mizan/call/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ fn: 'whoami', args: {} }),
    })
    expect(viaBearer.status).toBe(200)
    expect((await viaBearer.json()).result).toMatchObject({ id: 'u2', staff: true })
    const forged = await fetch(`${server.url}/api/mizan/call/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.slice(0, -4)}AAAA` },
      body: JSON.stringify({ fn: 'whoami', args: {} }),
    })
    expect(forged.status).toBe(401)
    await server.call('sign_out')
  })
})
