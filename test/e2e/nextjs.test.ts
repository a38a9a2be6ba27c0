/**
 * The Next.js App Router example (examples/nextjs), built with `next build` and served by `next
 * start`, checked in Chromium: the Server Component's data is in the HTML and hydrates without a
 * request, and a server action's invalidation refetches exactly the context it affects.
 *
 * The build (about a minute and a half on a busy 2-core machine) is cached: it goes to a dist
 * dir of its own, keyed by a hash of every source it is built from, and is reused while that
 * hash holds.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, repoRoot } from './fullstack-harness.ts'

const APP = join(repoRoot, 'examples/nextjs')
const DIST = '.next-e2e'
const NEXT = join(repoRoot, 'node_modules/next/dist/bin/next')
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', MIZAN_NEXT_DIST_DIR: DIST }

/** A hash of the files the build reads: the example's own and the library's src/. */
function sourceHash(): string {
  const hash = createHash('sha256')
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.next') || name === 'node_modules' || name === 'next-env.d.ts') continue
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else hash.update(path).update(readFileSync(path))
    }
  }
  walk(APP)
  walk(join(repoRoot, 'src'))
  hash.update(readFileSync(join(repoRoot, 'package-lock.json')))
  return hash.digest('hex')
}

function build(): void {
  const stamp = join(APP, DIST, 'mizan-source-hash')
  const wanted = sourceHash()
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return
  const built = spawnSync(process.execPath, [NEXT, 'build'], { cwd: APP, env, encoding: 'utf8', timeout: 240_000 })
  if (built.status !== 0) throw new Error(`next build failed (${built.status}):\n${built.stdout}\n${built.stderr}`)
  writeFileSync(stamp, wanted)
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.once('error', reject)
  })

let server: ChildProcess | undefined
let browser: Browser | undefined
let url = ''

beforeAll(async () => {
  const started = launchChromium().then((b) => (browser = b))
  build()
  const port = await freePort()
  server = spawn(process.execPath, [NEXT, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: APP, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  url = `http://127.0.0.1:${port}/`
  const deadline = Date.now() + 30_000
  for (;;) {
    const ok = await fetch(`${url}api/openapi.json`).then((r) => r.ok, () => false)
    if (ok) break
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`next start did not answer:\n${output}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  await started
}, 300_000)

afterAll(async () => {
  await browser?.close()
  server?.kill('SIGTERM')
})

describe('the Next.js App Router example', () => {
  it("renders the Server Component's data into the HTML, prefetched through createCaller", async () => {
    const html = await (await fetch(url)).text()
    expect(html).toContain('Render todos on the server')
    expect(html).toContain('stats read')
    // The dehydrated cache travels in the RSC payload, under the client hooks' query keys.
    expect(html).toMatch(/\\?"mizan\\?",\\?"ctx\\?",\\?"todos\\?"/)
  })

  it('serves the OpenAPI document and a docs page for it', async () => {
    const doc = (await (await fetch(`${url}api/openapi.json`)).json()) as { openapi: string; paths: Record<string, object> }
    expect(doc.openapi).toBe('3.1.0')
    // listTodos, addTodo, toggleTodo; the todos and stats contexts.
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/mizan/call/#add_todo', '/api/mizan/call/#list_todos', '/api/mizan/call/#toggle_todo', '/api/mizan/ctx/stats/', '/api/mizan/ctx/todos/'])
    expect(await (await fetch(`${url}api/docs`)).text()).toContain('data-url="/api/openapi.json"')
  })

  it('hydrates without a request, and a server action refetches exactly the context it affects', async () => {
    const page = await browser!.newPage()
    const requests: string[] = []
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname
      if (path.startsWith('/api/mizan/')) requests.push(`${request.method()} ${path}`)
    })
    try {
      await page.goto(url)
      await page.getByText('Render todos on the server').waitFor()
      const stats = await page.getByTestId('stats').textContent()
      await page.waitForLoadState('networkidle')
      await page.waitForTimeout(300)
      expect(requests).toEqual([])

      await page.getByLabel('title').fill('Ship the example')
      await page.getByRole('button', { name: 'Add' }).click()
      await page.getByText('Ship the example').waitFor()
      // Time for a stray refetch to show up, were there one.
      await page.waitForTimeout(500)
      // The action's answer said `invalidate: ['todos']`: that bundle is read again, `stats` is not.
      expect(requests).toEqual(['GET /api/mizan/ctx/todos/'])
      expect(await page.getByTestId('stats').textContent()).toBe(stats)

      // A call from the browser, with an optimistic write and the server's merge.
      const box = page.getByRole('checkbox').nth(1)
      const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/mizan/call/')
      await box.click()
      expect(await box.isChecked()).toBe(true)
      expect((await answered).status()).toBe(200)
      expect(requests.filter((r) => r.includes('/call/'))).toEqual(['POST /api/mizan/call/'])
      await page.reload()
      await page.getByText('Ship the example').waitFor()
      expect(await page.getByRole('checkbox').nth(1).isChecked()).toBe(true)
    } finally {
      await page.close()
    }
  }, 60_000)

  it('/lab: a Suspense page, an infinite list refetched after an affects, an optimistic toggle rolled back on a server error', async () => {
    const page = await browser!.newPage()
    const calls: string[] = []
    page.on('request', (request) => {
      const body = request.method() === 'POST' && new URL(request.url()).pathname === '/api/mizan/call/' ? request.postData() : null
      if (body) calls.push((JSON.parse(body) as { fn: string }).fn)
    })
    try {
      await page.goto(`${url}lab`)
      // Nothing was prefetched for /lab: the server HTML has the Suspense fallback, the browser the data.
      expect(await (await fetch(`${url}lab`)).text()).toContain('suspended')
      const first = page.getByTestId('first')
      await first.waitFor()
      const before = (await first.textContent())!
      expect(before).toMatch(/: (open|done)$/)

      // Infinite list: two per page, then the next page by cursor.
      const pages = page.getByTestId('pages').locator('li')
      await pages.first().waitFor()
      expect(await pages.count()).toBe(1)
      await page.getByRole('button', { name: 'more' }).click()
      await pages.nth(1).waitFor()
      const loaded = await pages.allTextContents()
      // addTodo affects listTodos: every loaded page is fetched again and the new one shows up.
      await page.getByRole('button', { name: 'add', exact: true }).click()
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="pages"] li').length >= n && /lab 1/.test(document.querySelector('[data-testid="pages"]')!.textContent!) , loaded.length, { timeout: 15_000 }).catch(async () => {
        // With three or more to-dos the new one is on a page not loaded yet: the refetch then shows `more`.
        await page.getByRole('button', { name: 'more' }).click()
        await page.getByText(/lab 1/).waitFor()
      })
      expect(calls.filter((fn) => fn === 'list_todos').length).toBeGreaterThanOrEqual(4)

      // The optimistic toggle shows at once; the server refuses; the write rolls back.
      const flipped = before.endsWith('open') ? before.replace(/open$/, 'done') : before.replace(/done$/, 'open')
      await page.evaluate(() => {
        const node = document.querySelector('[data-testid="first"]')!
        const seen: string[] = ((window as unknown as { seen: string[] }).seen = [])
        new MutationObserver(() => seen.push(node.textContent!)).observe(node, { childList: true, characterData: true, subtree: true })
      })
      await page.getByRole('button', { name: 'toggle (server refuses)' }).click()
      // (By text: Next's route announcer is a role=alert too.)
      await page.getByText('The server refused this toggle').waitFor()
      await page.getByText(before).waitFor()
      expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([flipped, before])
      expect(calls).toContain('toggle_todo')
      // A toggle the server accepts stays.
      await page.getByRole('button', { name: 'toggle', exact: true }).click()
      await page.getByText(flipped).waitFor()
      await page.reload()
      await page.getByText(flipped).waitFor()
    } finally {
      await page.close()
    }
  }, 90_000)
})
