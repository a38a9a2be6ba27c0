/**
 * Which requests a token actually authenticated. CSRF protects ambient credentials (cookies);
 * a request whose identity came from a verified token header is exempt, and only then: a
 * token header that no verifier accepted leaves the request to the cookie rules. The identity
 * resolver marks what it verified; an app with its own token check calls `markTokenAuthenticated`.
 */
import type { MizanRequest } from './dispatch-types.ts'

const authenticated = new WeakSet<MizanRequest>()

/** Record that a token (MWT header, `Authorization: Bearer`) authenticated this request. */
export function markTokenAuthenticated(req: MizanRequest): void {
  authenticated.add(req)
}

export function isTokenAuthenticated(req: MizanRequest): boolean {
  return authenticated.has(req)
}
