/** Where the kernel finds cookies: the browser's own jar, or its own in Node. */
export interface CookieStore {
  get(name: string): string | undefined
  /** A `Cookie` header to send, when the runtime does not send cookies itself. */
  header(): string | undefined
  /** Remember what a response set, when the runtime does not do it itself. */
  capture(response: Response): void
}

function parsePairs(source: string, separator: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of source.split(separator)) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim())
  }
  return out
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** Browsers store and send cookies themselves; JS may only read the non-HttpOnly ones. */
function browserStore(doc: { cookie: string }): CookieStore {
  return {
    get: (name) => {
      const value = parsePairs(doc.cookie, ';').get(name)
      return value === undefined ? undefined : decode(value)
    },
    header: () => undefined,
    capture: () => {},
  }
}

function isExpired(attributes: string[]): boolean {
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=')
    const name = rawName.trim().toLowerCase()
    const value = rest.join('=').trim()
    if (name === 'max-age' && Number(value) <= 0) return true
    if (name === 'expires' && Date.parse(value) <= Date.now()) return true
  }
  return false
}

/**
 * Node's fetch keeps no cookies, yet the CSRF and session flows need them. One client talks to
 * one backend, so Domain and Path are not tracked: every cookie goes back on every request.
 */
export function createCookieJar(): CookieStore {
  const jar = new Map<string, string>()
  return {
    get: (name) => {
      const value = jar.get(name)
      return value === undefined ? undefined : decode(value)
    },
    header: () => (jar.size ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : undefined),
    capture: (response) => {
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';')
        const eq = pair.indexOf('=')
        if (eq <= 0) continue
        const name = pair.slice(0, eq).trim()
        if (isExpired(attributes)) jar.delete(name)
        else jar.set(name, pair.slice(eq + 1).trim())
      }
    },
  }
}

export function createCookieStore(): CookieStore {
  const doc = (globalThis as { document?: { cookie: string } }).document
  return doc ? browserStore(doc) : createCookieJar()
}
