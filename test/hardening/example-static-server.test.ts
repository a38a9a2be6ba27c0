/**
 * Issue 24, finding 8: the example app's static server answered 500 to `/%E0%A4%A`. Client
 * paths, however malformed, get a 4xx, and the server keeps serving the app shell.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../../examples/fullstack/server/main.ts'
import { rawRequest } from './raw-http.ts'

let server: Awaited<ReturnType<typeof startServer>>

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'mizan-example-dist-'))
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>shell</title>')
  server = await startServer({ port: 0, staticDir: dist })
}, 30_000)
afterAll(() => server.close())

describe('example static server', () => {
  it.each(['/%E0%A4%A', '/%', '/%ZZ/page', '/assets/%C3.js', '/a%00b', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd'])(
    'never answers 500 to a bad path: %s',
    async (path) => {
      const res = await rawRequest(server.url, { path })
      expect(res.status).toBeGreaterThanOrEqual(200)
      expect(res.status).toBeLessThan(500)
      expect(res.text).not.toContain('root:')
    },
  )

  it('a malformed percent-escape is a 400, and the shell is still served', async () => {
    expect((await rawRequest(server.url, { path: '/%E0%A4%A' })).status).toBe(400)
    const shell = await rawRequest(server.url, { path: '/some/page' })
    expect(shell.status).toBe(200)
    expect(shell.text).toContain('shell')
  })
})
