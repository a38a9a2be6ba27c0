/**
 * The full-stack example signs in through Better Auth: a wrong password is refused, the right one
 * gives Better Auth's session cookie, and after sign-out that cookie, replayed, is anonymous.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../examples/fullstack/server/main.ts'

let server: RunningServer
beforeAll(async () => {
  server = await startServer({ port: 0 })
})
afterAll(() => server?.close())

async function session(): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(new URL('/api/mizan/session/', server.url))
  const csrf = response.headers.getSetCookie().find((c) => c.startsWith('csrftoken='))!.split(';')[0]!
  return { cookie: csrf, csrf: csrf.slice('csrftoken='.length) }
}

async function call(fn: string, args: unknown, jar: { cookie: string; csrf: string }) {
  const response = await fetch(new URL('/api/mizan/call/', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: jar.cookie, 'x-csrftoken': jar.csrf, origin: new URL(server.url).origin },
    body: JSON.stringify({ fn, args }),
  })
  return { status: response.status, body: await response.json(), cookies: response.headers.getSetCookie() }
}

describe('the example signs in through Better Auth', () => {
  it('refuses a wrong password, signs in with the right one, and sign-out revokes the session', async () => {
    const jar = await session()
    const wrong = await call('login', { username: 'ada', password: 'nope' }, jar)
    expect(wrong.status).toBe(422)
    expect(wrong.body.details.fields).toEqual({ password: ['Wrong password'] })

    const ok = await call('login', { username: 'ada', password: 'analytical-engine' }, jar)
    expect(ok.status).toBe(200)
    const sessionCookie = ok.cookies.find((c) => c.startsWith('better-auth.session_token='))!.split(';')[0]!
    const signedIn = { ...jar, cookie: `${jar.cookie}; ${sessionCookie}` }
    expect((await call('my_notes', {}, signedIn)).status).toBe(200)

    const out = await call('logout', {}, signedIn)
    expect(out.status).toBe(200)
    expect(out.body.invalidate).toEqual(['global'])
    expect((await call('my_notes', {}, signedIn)).status).toBe(401)
  })
})
