/**
 * MWT-authenticated calls from our kernel to the live Django backend: a token obtained with
 * `mwt_obtain` over a session login, then sent in `X-Izana-Token`; tokens minted by our
 * MwtIssuer are accepted by Python and Python's verify with ours.
 */
import { decodeProtectedHeader, decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient, MizanError, type MizanClient } from '../../../src/client/index.ts'
import { untyped } from '../../../src/client/types.ts'
import { MwtIssuer } from '../../../src/server/auth/mwt.ts'
import { FIXTURE_SECRETS, mwtIssuer, type izanaFixtureRouter } from '../replay/izana-fixture-router.ts'
import { countingFetch, SESSIONS, startPythonBackend, type PythonBackend } from './python-backend.ts'

type Fixture = typeof izanaFixtureRouter

let backend: PythonBackend
beforeAll(async () => {
  backend = await startPythonBackend()
})
afterAll(async () => {
  await backend?.stop()
})

function client(headers?: Record<string, string>) {
  const traffic = countingFetch()
  const api: MizanClient<Fixture> = createMizanClient<Fixture>({ dialect: 'izana', baseUrl: backend.baseUrl, fetch: traffic.fetch, headers })
  return { api, traffic }
}

const sessionOf = (user: keyof typeof SESSIONS) => client({ Cookie: `sessionid=${SESSIONS[user]}` }).api
const withToken = (token: string) => client({ 'X-Izana-Token': token })

async function obtain(user: keyof typeof SESSIONS): Promise<{ token: string; expires_in: number }> {
  return (await sessionOf(user).call('mwtObtain')).result
}

describe('kernel → Python: MWT', () => {
  it('obtains a token over a session login and calls with it, CSRF-exempt', async () => {
    const grant = await obtain('alice')
    expect(grant.expires_in).toBe(300)
    expect(decodeProtectedHeader(grant.token)).toEqual({ alg: 'HS256', kid: 'v1', typ: 'JWT' })
    expect(decodeJwt(grant.token)).toMatchObject({ sub: '1', staff: false, super: false, aud: 'izana' })

    const { api, traffic } = withToken(grant.token)
    expect((await api.call('whoami')).result).toEqual({ id: 1, username: null, is_staff: false, is_superuser: false, user_class: 'MWTUser' })
    expect((await api.context('secure'))['secure_data']).toMatchObject({ id: 1, user_class: 'MWTUser' })
    expect((await api.context('global'))['current_user']).toEqual({ authenticated: true, id: 1, username: null })
    // No session/ round trip and no CSRF header: the token header exempts the POST.
    expect(traffic.sessions()).toBe(0)
    expect(traffic.log.every((r) => !r.headers.has('x-csrftoken') && r.headers.get('x-izana-token') === grant.token)).toBe(true)
  })

  it('carries staff and superuser rights in the token', async () => {
    const sam = withToken((await obtain('sam')).token).api
    expect((await sam.call('staffOnly')).result).toMatchObject({ id: 2, is_staff: true, is_superuser: false })
    await expect(sam.call('superuserOnly')).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403, message: 'Superuser access required' })
    const root = withToken((await obtain('root')).token).api
    expect((await root.call('superuserOnly')).result).toMatchObject({ id: 3, is_superuser: true, user_class: 'MWTUser' })
    const alice = withToken((await obtain('alice')).token).api
    await expect(alice.call('staffOnly')).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Staff access required' })
  })

  it('obtains a new token with a still-valid token', async () => {
    const first = await obtain('sam')
    const { result } = await withToken(first.token).api.call('mwtObtain')
    expect(decodeJwt(result.token)).toMatchObject({ sub: '2', staff: true })
  })

  it('refuses a bad token with UNAUTHORIZED, with no fallback to the session, even for public functions', async () => {
    const forged = withToken('not-a-jwt').api
    for (const work of [() => forged.call('echo', { text: 'x' }), () => forged.call('whoami'), () => forged.context('global')]) {
      const error = await work().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MizanError)
      expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401, message: 'Invalid or expired MWT' })
    }
    const withSession = client({ 'X-Izana-Token': 'not-a-jwt', Cookie: `sessionid=${SESSIONS.alice}` }).api
    await expect(withSession.call('whoami')).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'Invalid or expired MWT' })

    const tampered = (await obtain('alice')).token.replace(/\.[\w-]+\./, (m) => m.slice(0, -3) + (m.at(-3) === 'A' ? 'B' : 'A') + m.slice(-2))
    await expect(withToken(tampered).api.call('whoami')).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    const wrongAudience = await new MwtIssuer({ keys: { v1: FIXTURE_SECRETS.mwt }, dialect: 'mizan' }).mint({ id: 1 })
    await expect(withToken(wrongAudience).api.call('whoami')).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'Invalid or expired MWT' })
    const expired = await new MwtIssuer({ keys: { v1: FIXTURE_SECRETS.mwt }, dialect: 'izana', now: () => Date.now() / 1000 - 600 }).mint({ id: 1 })
    await expect(withToken(expired).api.call('whoami')).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: 'Invalid or expired MWT' })
  })

  it('tokens cross languages: ours are accepted by Python, Python\'s verify with ours', async () => {
    const ours = await mwtIssuer.mint({ id: 3, isStaff: true, isSuperuser: true })
    expect((await withToken(ours).api.call('superuserOnly')).result).toMatchObject({ id: 3, user_class: 'MWTUser' })
    const theirs = (await obtain('sam')).token
    expect(await mwtIssuer.verify(theirs)).toMatchObject({ id: 2, isStaff: true, isSuperuser: false, kid: 'v1' })
  })

  it('also speaks the legacy Bearer access token from jwt_obtain', async () => {
    // jwt_obtain is a package function the TS twin does not declare: call it untyped.
    const { result } = await untyped(sessionOf('alice')).call('jwtObtain')
    const accessToken = (result as { access_token: string }).access_token
    const bearer = client({ Authorization: `Bearer ${accessToken}` })
    expect((await bearer.api.call('whoami')).result).toMatchObject({ id: 1, user_class: 'JWTUser' })
    expect(bearer.traffic.sessions()).toBe(0)
  })
})
