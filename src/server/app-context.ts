/** The app's request context (`createMizan().withContext(factory)`), merged into the framework's. */

/** Keys a request-context factory may not set: the framework fills them itself. */
const FRAMEWORK_KEYS = new Set(['user', 'headers', 'raw', 'signal', 'routeParams', 'responseHeaders'])

/** Copies the app context's keys onto `ctx`; a framework key there is a programming error, said loudly. */
export function assignAppContext(ctx: object, extra: unknown): void {
  if (typeof extra !== 'object' || extra === null) throw new TypeError('the request-context factory must return an object')
  for (const key of Object.keys(extra)) {
    if (FRAMEWORK_KEYS.has(key)) throw new TypeError(`the request-context factory may not set '${key}'`)
    ;(ctx as Record<string, unknown>)[key] = (extra as Record<string, unknown>)[key]
  }
}
