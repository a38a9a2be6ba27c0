import { createFetchHandler, type FetchHandlerOptions } from '../../src/server/adapters/fetch.ts'
import type { AnyServerRouter } from '../../src/server/router.ts'
import type { FetchLike } from '../../src/client/options.ts'
import { appRouter, USERS, type TestUser } from '../fixtures/app-router.ts'

export const BASE_URL = 'http://mizan.test/api/mizan'

export interface RecordedRequest {
  method: string
  /** Path and query, without the origin. */
  path: string
  headers: Headers
  body: Record<string, unknown> | undefined
}

/** Users are picked per request by a header, so tests need no login flow. */
export const resolveTestUser = (req: { headers: Headers }): TestUser | null => USERS[req.headers.get('x-test-user') ?? ''] ?? null

/**
 * The real dispatcher behind an in-process `fetch`, recording every request so tests can count
 * them per URL or per function.
 */
export function createTestServer(options: FetchHandlerOptions<TestUser> = {}, router: AnyServerRouter = appRouter) {
  const handler = createFetchHandler(router, { resolveUser: resolveTestUser, onError: () => {}, ...options })
  const requests: RecordedRequest[] = []
  const fetch: FetchLike = async (url, init) => {
    const request = new Request(new URL(url, 'http://localhost'), init)
    const parsed = new URL(request.url)
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined
    requests.push({ method: request.method, path: parsed.pathname + parsed.search, headers: new Headers(request.headers), body })
    return handler(request)
  }
  return {
    fetch,
    requests,
    /** Requests whose path (with query) is exactly this one. */
    count: (path: string) => requests.filter((r) => r.path === path).length,
    /** `/call/` requests for this wire name. */
    calls: (fn: string) => requests.filter((r) => r.body?.['fn'] === fn).length,
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}
