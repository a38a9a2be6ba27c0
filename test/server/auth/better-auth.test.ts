/**
 * Better Auth as the identity of a Mizan server, for real: its email/password sign-in over HTTP
 * against its memory adapter, then Mizan calls over HTTP and WebSocket, then sign-out.
 */
import { betterAuth } from 'better-auth'
import { memoryAdapter } from 'better-auth/adapters/memory'
import { toNodeHandler } from 'better-auth/node'
import { admin, bearer } from 'better-auth/plugins'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { betterAuthSignOutFunction, betterAuthUser, type BetterAuthUser } from '../../../src/server/auth/better-auth.ts'
import { authRouter, startAuthServer, type AuthServer } from './auth-library-harness.ts'

const db: Record<string, unknown[]> = { user: [], session: [], account: [], verification: [] }
const auth = betterAuth({
  database: memoryAdapter(db),
  secret: 'better-auth-test-secret-0123456789abcdef0123456789',
  baseURL: 'http://127.0.0.1',
  basePath: '/auth-lib',
  emailAndPassword: { enabled: true },
  plugins: [admin(), bearer()],
  telemetry: { enabled: false },
  logger: { disabled: true },
  trustedOrigins: ['http://127.0.0.1:*'],
})
type User = BetterAuthUser<typeof auth>

let server: AuthServer
beforeAll(async () => {
  const router = authRouter<User>(betterAuthSignOutFunction(auth))
  server = await startAuthServer<User>(router, toNodeHandler(auth), { resolveUser: betterAuthUser(auth, { staffRoles: ['admin'] }) })
  await auth.api.signUpEmail({ body: { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' } })
  const boss = await auth.api.signUpEmail({ body: { email: 'boss@example.com', password: 'correct horse battery', name: 'Boss' } })
  // The first admin is made in the store, as an operator would (setRole needs an admin session).
  const row = db['user']!.find((u) => (u as { id: string }).id === boss.user.id) as { role: string }
  row.role = 'admin'
})
afterAll(() => server?.close())

async function signIn(email: string): Promise<Response> {
  const response = await server.fetch('/auth-lib/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery' }),
  })
  expect(response.status).toBe(200)
  return response
}

describe('Better Auth identity', () => {
  it('signs in through Better Auth, calls auth: true over HTTP and WebSocket, signs out to 401', async () => {
    expect((await server.call('whoami')).status).toBe(401)
    expect(await server.socketCall('whoami')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })

    await signIn('ada@example.com')
    const sessionCookie = server.jar.get('better-auth.session_token')
    expect(sessionCookie).toBeTruthy()
    const me = await server.call('whoami')
    expect(me.status).toBe(200)
    expect(me.body.result).toMatchObject({ email: 'ada@example.com', staff: false })
    expect(await server.socketCall('whoami')).toMatchObject({ ok: true, data: { result: { email: 'ada@example.com' } } })
    expect((await server.call('staff_only')).status).toBe(403)

    const out = await server.call('sign_out')
    expect(out.status).toBe(200)
    expect(out.body.invalidate).toEqual(['global'])
    expect(server.jar.get('better-auth.session_token')).toBeUndefined()
    expect((await server.call('whoami')).status).toBe(401)
    expect(await server.socketCall('whoami')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })

    // The old cookie, replayed after sign-out, names a session Better Auth has deleted.
    const replay = await server.call('whoami', {}, { cookie: `better-auth.session_token=${sessionCookie}; csrftoken=${server.jar.get('csrftoken')}` })
    expect(replay.status).toBe(401)
  })

  it("maps Better Auth's admin role onto auth: 'staff'", async () => {
    await signIn('boss@example.com')
    expect((await server.call('staff_only')).body).toMatchObject({ result: { ok: true } })
    await server.call('sign_out')
  })

  it('reads the session token as Authorization: Bearer (bearer plugin), with no cookie', async () => {
    const response = await signIn('ada@example.com')
    const token = response.headers.get('set-auth-token')!
    expect(token).toBeTruthy()
    await server.call('sign_out')
    const signedIn = await signIn('ada@example.com')
    const fresh = signedIn.headers.get('set-auth-token')!
    const viaBearer = await fetch(`${server.url}/api/mizan/call/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fresh}` },
      body: JSON.stringify({ fn: 'whoami', args: {} }),
    })
    expect(viaBearer.status).toBe(200)
    expect((await viaBearer.json()).result).toMatchObject({ email: 'ada@example.com' })
    const stale = await fetch(`${server.url}/api/mizan/call/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ fn: 'whoami', args: {} }),
    })
    expect(stale.status).toBe(401)
  })
})
