/**
 * Two signed-in users in Chromium on one board, the origin cache on Redis: user 2's read is
 * cached (a HIT), user 1 adds a task, and user 2's next read shows it (a MISS, fresh data).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { RedisCache } from '../../src/server/cache/redis-cache.ts'
import { boardUserResolver, buildBoardRouter, createDb } from '../server/cache/board-app.ts'
import { launchChromium } from './fullstack-harness.ts'

const HTML = `<!doctype html><meta charset="utf-8"><title>board</title>
<p id="status">loading</p><ul id="tasks"></ul>
<input id="title" value=""><button id="add">add</button><button id="refresh">refresh</button>
<script src="/app.js"></script>`

const db = createDb([1, 2])
const cache = new RedisCache('redis://127.0.0.1:6379', { namespace: `mizan-e2e-board:${randomUUID()}:` })
let server: Server
let browser: Browser
let origin: string

beforeAll(async () => {
  const bundled = await build({ entryPoints: [new URL('./cache-board/page.ts', import.meta.url).pathname], bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'silent' })
  const script = bundled.outputFiles[0]!.text
  // Signed in by a cookie, as a session would be: `uid=<user id>`.
  const fromCookie = boardUserResolver(db)
  const api = createNodeHandler(buildBoardRouter(db), {
    csrf: false,
    onError: () => {},
    cache: { backend: cache, secret: 'e2e' },
    resolveUser: (req) => {
      const uid = /(?:^|;\s*)uid=([^;]+)/.exec(req.headers.get('cookie') ?? '')?.[1]
      return fromCookie({ headers: new Headers(uid ? { 'x-user': uid } : {}) })
    },
  })
  server = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(HTML)
    if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    void api(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  await cache.clear()
  await cache.quit()
})

async function signedIn(uid: number): Promise<{ page: Page; cacheHeaders: string[] }> {
  const context = await browser.newContext()
  await context.addCookies([{ name: 'uid', value: String(uid), url: origin }])
  const page = await context.newPage()
  page.setDefaultTimeout(5_000)
  const cacheHeaders: string[] = []
  page.on('response', (res) => {
    if (res.url().includes('/api/mizan/ctx/board/')) cacheHeaders.push(res.headers()['x-mizan-cache'] ?? 'none')
  })
  await page.goto(origin)
  await expect.poll(() => page.textContent('#status'), { timeout: 10_000 }).toBe('loaded 0')
  return { page, cacheHeaders }
}

describe('two users, one board, Redis cache on (Chromium)', () => {
  it('shows user 1’s new task to user 2 with fresh data', async () => {
    const two = await signedIn(2)
    await two.page.click('#refresh')
    await expect.poll(() => two.cacheHeaders.length, { timeout: 10_000 }).toBe(2)
    expect(two.cacheHeaders).toEqual(['MISS', 'HIT'])

    const one = await signedIn(1)
    await one.page.fill('#title', 'buy milk')
    await one.page.click('#add')
    await expect.poll(() => one.page.textContent('#tasks'), { timeout: 10_000 }).toBe('buy milk')

    await two.page.click('#refresh')
    await expect.poll(() => two.page.textContent('#tasks'), { timeout: 10_000 }).toBe('buy milk')
    expect(two.cacheHeaders.at(-1)).toBe('MISS')
    await two.page.click('#refresh')
    await expect.poll(() => two.cacheHeaders.length, { timeout: 10_000 }).toBe(4)
    expect(two.cacheHeaders.at(-1)).toBe('HIT')
    expect(await two.page.textContent('#tasks')).toBe('buy milk')
  }, 30_000)
})
