import { CSRF_COOKIE, CSRF_HEADER } from '../shared/protocol.ts'
import type { CookieStore } from './cookies.ts'
import type { CsrfOptions } from './options.ts'

export interface CsrfManager {
  /** Add the CSRF header to a POST, bootstrapping the cookie first if needed. */
  protect(headers: Headers): Promise<void>
  /** Remember the token a session response handed out. */
  remember(token: string): void
}

/**
 * Django's double-submit scheme: the `csrftoken` cookie is echoed in `X-CSRFToken`. The cookie
 * is preferred to a remembered token because Django rotates it at login; the remembered one
 * covers HttpOnly cookies that JS cannot read.
 */
export function createCsrfManager(
  options: false | CsrfOptions | undefined,
  cookies: CookieStore,
  session: () => Promise<string>,
  tokenHeader: string,
): CsrfManager {
  let remembered: string | undefined
  let bootstrapping: Promise<unknown> | undefined
  if (options === false) return { protect: async () => {}, remember: () => {} }
  const cookieName = options?.cookieName ?? CSRF_COOKIE
  const headerName = options?.headerName ?? CSRF_HEADER
  const bootstrap = options?.bootstrap ?? true
  const known = () => cookies.get(cookieName) ?? remembered

  return {
    remember(token) {
      remembered = token
    },
    async protect(headers) {
      if (headers.has(headerName)) return
      // Token-authenticated requests are exempt on the server; a session round trip would be wasted.
      const carriesToken = headers.has(tokenHeader) || (headers.get('authorization') ?? '').startsWith('Bearer ')
      if (!known() && bootstrap && !carriesToken) {
        // Concurrent first calls share one bootstrap; a failed one is retried by the next call,
        // and the call itself goes out anyway so the server's own answer explains the failure.
        bootstrapping ??= session().catch(() => {
          bootstrapping = undefined
        })
        await bootstrapping
      }
      const token = known()
      if (token) headers.set(headerName, token)
    },
  }
}
