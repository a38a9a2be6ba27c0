/**
 * Django's CSRF, as django/middleware/csrf.py (5.2) judges it: the session endpoint hands out a
 * masked token and keeps the secret in the `csrftoken` cookie; an unsafe request must come from
 * a trusted Origin (or, over HTTPS without Origin, Referer) and echo the secret, masked (64
 * characters) or not (32), in the header. Malformed secrets are refused. A request is exempt only
 * when a token actually authenticated it (token-authenticated.ts), as the reference exempts it.
 */
import { MizanError } from '../shared/errors.ts'
import { CSRF_COOKIE, CSRF_HEADER } from '../shared/protocol.ts'
import type { DispatchOptions, MizanRequest } from './dispatch-types.ts'
import { jsonResponse, parseCookies, randomToken, timingSafeEqualStrings, type WireResponse } from './http-parts.ts'
import { isTokenAuthenticated } from './token-authenticated.ts'

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const SECRET_LENGTH = 32
const TOKEN_LENGTH = 64

/** Why a secret or token is malformed, in Django's words, or undefined when it is well formed. */
function formatProblem(token: string): string | undefined {
  if (token.length !== SECRET_LENGTH && token.length !== TOKEN_LENGTH) return 'has incorrect length'
  for (let i = 0; i < token.length; i++) if (CHARS.indexOf(token[i]!) < 0) return 'has invalid characters'
  return undefined
}

/** A 64-character token is a mask followed by the secret shifted by it. */
function unmask(token: string): string {
  if (token.length !== TOKEN_LENGTH) return token
  let secret = ''
  for (let i = 0; i < SECRET_LENGTH; i++) {
    const mask = CHARS.indexOf(token[i]!)
    const cipher = CHARS.indexOf(token[SECRET_LENGTH + i]!)
    secret += CHARS[(cipher - mask + CHARS.length) % CHARS.length]
  }
  return secret
}

/** A fresh mask over the secret, as Django's get_token: the page never sees the same token twice (BREACH). */
export function maskSecret(secret: string): string {
  const mask = randomToken(SECRET_LENGTH)
  let cipher = ''
  for (let i = 0; i < SECRET_LENGTH; i++) cipher += CHARS[(CHARS.indexOf(secret[i]!) + CHARS.indexOf(mask[i]!)) % CHARS.length]
  return mask + cipher
}

const fail = (reason: string) => new MizanError('FORBIDDEN', `CSRF verification failed: ${reason}`)

/** `scheme://host[:port]` → its parts; undefined when it is no such URL. */
function originParts(text: string): { scheme: string; host: string } | undefined {
  try {
    const url = new URL(text)
    return url.host ? { scheme: url.protocol.slice(0, -1), host: url.host } : undefined
  } catch {
    return undefined
  }
}

/** Django's is_same_domain: `pattern` `.example.com` also matches every subdomain. */
function sameDomain(host: string, pattern: string): boolean {
  if (!pattern) return false
  const h = host.toLowerCase()
  const p = pattern.toLowerCase()
  return p.startsWith('.') ? h.endsWith(p) || h === p.slice(1) : h === p
}

/** TLS is seen on the URL (fetch adapter) or on the socket (node adapter). A TLS-terminating proxy in front must list its public origin in `trustedOrigins`. */
function isSecure(req: MizanRequest): boolean {
  if (req.url.protocol === 'https:') return true
  const socket = (req.raw as { socket?: { encrypted?: unknown } } | null | undefined)?.socket
  return socket?.encrypted === true
}

function hostOf(req: MizanRequest): string {
  return req.headers.get('host') ?? req.url.host
}

export interface CsrfCheck {
  /** Before identity is known: `null` to go on, else the 403. A request carrying a token is judged later. */
  beforeIdentity(req: MizanRequest): MizanError | null
  /** After identity: a token-carrying request that no token authenticated meets the cookie rules now. */
  afterIdentity(req: MizanRequest): MizanError | null
  /** Whether `afterIdentity` has anything to judge (the request carries a token and CSRF is on). */
  awaitsIdentity(req: MizanRequest): boolean
}

export function createCsrfCheck(
  mode: DispatchOptions['csrf'],
  tokenHeader: string,
  trustedOrigins: readonly string[] = [],
  emptyTokenIsAbsent = false,
): CsrfCheck {
  const csrfMode = mode ?? 'always'
  const exact = new Set(trustedOrigins.filter((o) => !o.includes('*')))
  // `https://*.example.com` trusts every subdomain over that scheme, as CSRF_TRUSTED_ORIGINS does.
  const split = (o: string) => {
    const at = o.indexOf('://')
    return { scheme: o.slice(0, Math.max(at, 0)), host: at < 0 ? '' : o.slice(at + 3).replace(/^\*/, '') }
  }
  const wildcards = trustedOrigins.filter((o) => o.includes('*')).map(split)
  const trustedHosts = trustedOrigins.map((o) => split(o).host)

  function carriesToken(req: MizanRequest): boolean {
    // Under the izana dialect an empty token header is no token (identity.ts), so CSRF still applies.
    const token = req.headers.get(tokenHeader)
    return (token !== null && (!emptyTokenIsAbsent || token.trim() !== '')) || (req.headers.get('authorization') ?? '').startsWith('Bearer ')
  }

  function originVerified(req: MizanRequest, origin: string): boolean {
    if (origin === `${isSecure(req) ? 'https' : 'http'}://${hostOf(req)}`) return true
    if (exact.has(origin)) return true
    const parts = originParts(origin)
    return !!parts && wildcards.some((w) => w.scheme === parts.scheme && sameDomain(parts.host, w.host))
  }

  function refererProblem(req: MizanRequest): string | undefined {
    const referer = req.headers.get('referer')
    if (referer === null) return 'Referer checking failed - no Referer.'
    const parts = originParts(referer)
    if (!parts) return 'Referer checking failed - Referer is malformed.'
    if (parts.scheme !== 'https') return 'Referer checking failed - Referer is insecure while host is secure.'
    if (trustedHosts.some((host) => sameDomain(parts.host, host)) || sameDomain(parts.host, hostOf(req))) return undefined
    return `Referer checking failed - ${referer} does not match any trusted origins.`
  }

  function check(req: MizanRequest): MizanError | null {
    const cookieHeader = req.headers.get('cookie')
    if (csrfMode === 'cookie' && !cookieHeader) return null
    const origin = req.headers.get('origin')
    if (origin !== null) {
      if (!originVerified(req, origin)) return fail(`Origin checking failed - ${origin} does not match any trusted origins.`)
    } else if (isSecure(req)) {
      const problem = refererProblem(req)
      if (problem) return fail(problem)
    }
    const cookie = parseCookies(cookieHeader)[CSRF_COOKIE]
    if (!cookie) return fail('CSRF cookie not set')
    const cookieProblem = formatProblem(cookie)
    if (cookieProblem) return fail(`CSRF cookie ${cookieProblem}`)
    const header = req.headers.get(CSRF_HEADER)
    if (!header) return fail('CSRF token missing')
    const headerProblem = formatProblem(header)
    if (headerProblem) return fail(`CSRF token from the '${CSRF_HEADER}' HTTP header ${headerProblem}`)
    if (!timingSafeEqualStrings(unmask(header), unmask(cookie))) return fail('CSRF token incorrect')
    return null
  }

  return {
    beforeIdentity(req) {
      if (csrfMode === false || carriesToken(req)) return null
      return check(req)
    },
    afterIdentity(req) {
      if (csrfMode === false || !carriesToken(req) || isTokenAuthenticated(req)) return null
      return check(req)
    },
    awaitsIdentity(req) {
      return csrfMode !== false && carriesToken(req)
    },
  }
}

/** The session endpoint: keeps a well-formed CSRF secret (unmasking a pre-4.0 masked one) or mints one, and answers a fresh masking of it. */
export function sessionResponse(req: MizanRequest): WireResponse {
  const existing = parseCookies(req.headers.get('cookie'))[CSRF_COOKIE]
  const secret = existing !== undefined && !formatProblem(existing) ? unmask(existing) : randomToken(SECRET_LENGTH)
  const cookie = `${CSRF_COOKIE}=${secret}; Max-Age=31449600; Path=/; SameSite=Lax`
  return jsonResponse(200, { csrfToken: maskSecret(secret) }, { 'Set-Cookie': cookie, Vary: 'Cookie' })
}
