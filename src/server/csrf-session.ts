/**
 * Django's double-submit CSRF, as the reference judges it: the session endpoint hands out the
 * cookie, and an unsafe request must echo it in the header unless a token authenticates it.
 */
import { MizanError } from '../shared/errors.ts'
import { CSRF_COOKIE, CSRF_HEADER } from '../shared/protocol.ts'
import type { DispatchOptions, MizanRequest } from './dispatch-types.ts'
import { jsonResponse, parseCookies, randomToken, timingSafeEqualStrings, type WireResponse } from './http-parts.ts'

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** The CSRF verdict of a request: `null` when it may proceed, else the 403 to answer. */
export function createCsrfCheck(mode: DispatchOptions['csrf'], tokenHeader: string): (req: MizanRequest) => MizanError | null {
  const csrfMode = mode ?? 'always'

  // A token in a header is no ambient credential a cross-site page could ride on.
  function carriesToken(req: MizanRequest): boolean {
    return req.headers.has(tokenHeader) || (req.headers.get('authorization') ?? '').startsWith('Bearer ')
  }

  return function csrfFailure(req: MizanRequest): MizanError | null {
    if (csrfMode === false || carriesToken(req)) return null
    const cookieHeader = req.headers.get('cookie')
    if (csrfMode === 'cookie' && !cookieHeader) return null
    const cookie = parseCookies(cookieHeader)[CSRF_COOKIE]
    if (!cookie) return new MizanError('FORBIDDEN', 'CSRF verification failed: CSRF cookie not set')
    const header = req.headers.get(CSRF_HEADER)
    if (!header) return new MizanError('FORBIDDEN', 'CSRF verification failed: CSRF token missing')
    if (!timingSafeEqualStrings(header, cookie)) return new MizanError('FORBIDDEN', 'CSRF verification failed: CSRF token incorrect')
    return null
  }
}

/** The session endpoint: keeps a well-formed CSRF cookie, or mints one. */
export function sessionResponse(req: MizanRequest): WireResponse {
  const existing = parseCookies(req.headers.get('cookie'))[CSRF_COOKIE]
  const token = existing && /^[A-Za-z0-9]{32,64}$/.test(existing) ? existing : randomToken()
  const cookie = `${CSRF_COOKIE}=${token}; Max-Age=31449600; Path=/; SameSite=Lax`
  return jsonResponse(200, { csrfToken: token }, { 'Set-Cookie': cookie, Vary: 'Cookie' })
}
