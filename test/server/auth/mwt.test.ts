import { readFileSync } from 'node:fs'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { createIdentityResolver } from '../../../src/server/auth/identity.ts'
import { MwtIssuer, permissionKey } from '../../../src/server/auth/mwt.ts'
import { createRouter, defineClient } from '../../../src/server/index.ts'

interface TokenVector {
  user: string
  now: number
  secret: string
  token: string
  permissions: string[]
  pkey: string
  user_pk: number
  payload: { staff: boolean; super: boolean }
  create_kwargs: { ttl?: number; audience?: string; kid?: string }
}
const vectors = JSON.parse(readFileSync(new URL('../../interop/vectors/mwt.json', import.meta.url), 'utf8')) as {
  tokens: TokenVector[]
  pkey_only: { blob: string; pkey: string }[]
  decode: Record<string, string | boolean | Record<string, unknown>>
}
const SECRET = 'interop-mwt-secret-0123456789abcdef'

describe('MWT against the reference vectors', () => {
  it.each(vectors.tokens.map((v) => [`${v.user} ${JSON.stringify(v.create_kwargs)}`, v] as const))('mints byte-identical tokens: %s', async (_n, v) => {
    const issuer = new MwtIssuer({
      keys: { [v.create_kwargs.kid ?? 'v1']: v.secret },
      ttl: v.create_kwargs.ttl ?? 300,
      audience: v.create_kwargs.audience ?? 'izana',
      now: () => v.now,
    })
    const token = await issuer.mint({ id: v.user_pk, isStaff: v.payload.staff, isSuperuser: v.payload.super, permissions: v.permissions })
    expect(token).toBe(v.token)
    expect(permissionKey({ isStaff: v.payload.staff, isSuperuser: v.payload.super, permissions: v.permissions })).toBe(v.pkey)
  })

  it('derives pkey exactly', () => {
    for (const { blob, pkey } of vectors.pkey_only) {
      const [staff, superuser, perms] = blob.split(':')
      expect(permissionKey({ isStaff: staff === '1', isSuperuser: superuser === '1', permissions: perms ? perms.split(',') : [] })).toBe(pkey)
    }
  })

  it('verifies a token the reference minted and rejects its tampered or expired ones', async () => {
    const issuer = new MwtIssuer({ keys: { v1: SECRET }, dialect: 'izana' })
    expect(await issuer.verify(String(vectors.decode['long_lived_token']))).toMatchObject({ id: 3, isStaff: true, isSuperuser: true })
    expect(await issuer.verify(String(vectors.decode['expired_token']))).toBeNull()
    expect(await issuer.verify(String(vectors.decode['long_lived_wrong_audience_mizan']))).toBeNull()
    expect(await issuer.verify(String(vectors.decode['long_lived_wrong_secret']))).toBeNull()
  })
})

const NOW = 1_700_000_000
const key = new TextEncoder().encode(SECRET)
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const goodClaims = { sub: '1', staff: false, super: false, pkey: permissionKey({}), aud: 'mizan', iat: NOW, nbf: NOW, exp: NOW + 300 }
const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', kid: 'v1', typ: 'JWT' }, secret = key) =>
  new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(secret)

const issuer = new MwtIssuer({ keys: { v1: SECRET, v0: 'retired-but-still-accepted-key-000' }, now: () => NOW + 10 })
const router = createRouter({ whoami: defineClient({ auth: true }, (_i, ctx) => ({ id: ctx.user?.id ?? null })) })
const handler = createFetchHandler(router, {
  csrf: 'cookie',
  resolveUser: createIdentityResolver({ mwt: issuer, session: () => ({ id: 99 }) }),
})
const callWith = (headers: Record<string, string>) =>
  handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers, body: '{"fn":"whoami"}' }))

describe('MWT tampering: every case is a 401 with no fallback to the session', async () => {
  const good = await sign(goodClaims)
  const [h, p, s] = good.split('.') as [string, string, string]
  const cases: [string, string][] = [
    ['alg none', `${b64({ alg: 'none', kid: 'v1', typ: 'JWT' })}.${p}.`],
    ['alg HS512', await sign(goodClaims, { alg: 'HS512', kid: 'v1' })],
    ['wrong key', await sign(goodClaims, undefined, new TextEncoder().encode('some-other-secret-of-enough-length'))],
    ['expired', await sign({ ...goodClaims, exp: NOW - 1 })],
    ['not yet valid', await sign({ ...goodClaims, nbf: NOW + 3600 })],
    ['wrong audience', await sign({ ...goodClaims, aud: 'izana' })],
    ['unknown kid', await sign(goodClaims, { alg: 'HS256', kid: 'v9' })],
    ['modified payload', `${h}.${b64({ ...goodClaims, super: true })}.${s}`],
    ['truncated', good.slice(0, -10)],
    ['two parts', `${h}.${p}`],
    ['garbage', 'not-a-token'],
    ['empty', ''],
    ['sub not a string', await sign({ ...goodClaims, sub: 1 })],
    ['staff not a boolean', await sign({ ...goodClaims, staff: 'yes' })],
    ['missing exp', await sign({ sub: '1', aud: 'mizan', iat: NOW })],
    ['signature of another token', `${h}.${p}.${(await sign({ ...goodClaims, sub: '2' })).split('.')[2]}`],
  ]

  it('accepts the untampered token, including one signed with a rotated-out kid', async () => {
    expect(await (await callWith({ 'x-mizan-token': good })).json()).toEqual({ result: { id: 1 } })
    const old = await sign(goodClaims, { alg: 'HS256', kid: 'v0', typ: 'JWT' }, new TextEncoder().encode('retired-but-still-accepted-key-000'))
    expect((await callWith({ 'x-mizan-token': old })).status).toBe(200)
  })

  it.each(cases)('%s → 401', async (_what, token) => {
    const res = await callWith({ 'x-mizan-token': token, cookie: 'sessionid=whatever' })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: true, code: 'UNAUTHORIZED', message: 'Invalid or expired MWT' })
  })

  it('falls back to Bearer as an MWT, with the legacy message on failure', async () => {
    expect((await callWith({ authorization: `Bearer ${good}` })).status).toBe(200)
    expect(await (await callWith({ authorization: 'Bearer nope' })).json()).toMatchObject({ message: 'Invalid or expired JWT token' })
  })

  it('uses the session only when no token is presented', async () => {
    expect(await (await callWith({})).json()).toEqual({ result: { id: 99 } })
  })

  it('signs with the signing kid and detects stale permission keys', async () => {
    const minted = await issuer.mint({ id: 5, permissions: ['app.view'] })
    expect(JSON.parse(Buffer.from(minted.split('.')[0]!, 'base64url').toString())).toMatchObject({ kid: 'v1' })
    const stale = createFetchHandler(router, {
      resolveUser: createIdentityResolver({ mwt: issuer, currentPermissionKey: () => permissionKey({ permissions: ['app.view', 'app.edit'] }) }),
    })
    const res = await stale(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers: { 'x-mizan-token': minted }, body: '{"fn":"whoami"}' }))
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ message: 'Stale MWT: permissions changed' })
  })
})
