import { safeDecode } from '../shared/invalidate-header.ts'

/**
 * Where the kernel finds cookies: the browser's own jar, or its own in Node. The kernel imports
 * `#client-cookies`, which is this file, or cookies-browser.ts under the `browser` condition
 * (package.json "imports"), so browser bundles do not carry the Node jar.
 */
export interface CookieStore {
  get(name: string): string | undefined
  /** A `Cookie` header to send, when the runtime does not send cookies itself. */
  header(): string | undefined
  /** Remember what a response set, when the runtime does not do it itself. */
  capture(response: Response): void
}

/** `name=value` pairs split on `separator`, first occurrence wins. */
function parsePairs(source: string, separator: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of source.split(separator)) {
    const eq = part.indexOf('=')
    const name = part.slice(0, eq).trim()
    if (eq > 0 && name && !out.has(name)) out.set(name, part.slice(eq + 1).trim())
  }
  return out
}

const decoded = (value: string | undefined): string | undefined => value && safeDecode(value)

/**
 * Node's fetch keeps no cookies, yet the CSRF and session flows need them. One client talks to
 * one backend, so Domain and Path are not tracked: every cookie goes back on every request.
 */
export function createCookieJar(): CookieStore {
  const jar = new Map<string, string>()
  return {
    get: (name) => decoded(jar.get(name)),
    header: () => (jar.size ? [...jar].map((pair) => pair.join('=')).join('; ') : undefined),
    capture(response) {
      for (const line of response.headers.getSetCookie()) {
        const [[name, value] = []] = parsePairs(line.split(';')[0]!, ';')
        const attributes = parsePairs(line.toLowerCase(), ';')
        const maxAge = attributes.get('max-age')
        const expires = attributes.get('expires')
        if (!name) continue
        if ((maxAge && Number(maxAge) <= 0) || (expires && Date.parse(expires) <= Date.now())) jar.delete(name)
        else jar.set(name, value!)
      }
    },
  }
}

/** A page's cookies where there is a page, else the kernel's own jar. */
export function createCookieStore(): CookieStore {
  return (globalThis as { document?: unknown }).document ? browserCookies() : createCookieJar()
}

/**
 * Browsers store and send cookies themselves; JS may only read the non-HttpOnly ones, from
 * `document.cookie` (none in a worker, whose requests carry the cookies all the same).
 */
export function browserCookies(): CookieStore {
  return {
    get(name) {
      // The first `name=value` pair of that name, as parsePairs reads it.
      for (const part of (globalThis as { document?: { cookie: string } }).document?.cookie.split(';') ?? []) {
        const eq = part.indexOf('=')
        if (eq > 0 && part.slice(0, eq).trim() === name) return decoded(part.slice(eq + 1).trim())
      }
    },
    header: () => undefined,
    capture: () => undefined,
  }
}
