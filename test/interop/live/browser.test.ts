/**
 * `createMizanReact` in Chromium against the live Python backend: the page in test/interop/web
 * is built with Vite and served by `vite preview`, which proxies /api/izana and /ws to daphne,
 * so page and API share an origin as they would in production. The assertions count the
 * requests the page makes: a scoped mutation must refetch exactly one bundle.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { build, preview, type PreviewServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { izanaProxy } from '../web/vite.config.ts'
import { launchChromium, MizanTraffic } from '../../e2e/fullstack-harness.ts'
import { startPythonBackend, type PythonBackend } from './python-backend.ts'

const webConfig = fileURLToPath(new URL('../web/vite.config.ts', import.meta.url))

let backend: PythonBackend | undefined
let server: PreviewServer | undefined
let browser: Browser | undefined
let outDir: string | undefined
let page: Page
let traffic: MizanTraffic
const pageErrors: string[] = []

/**
 * The steps share one page and build on each other, so after a failure the rest fail at once
 * instead of each waiting out its polls: the file stays well under 30 s either way.
 */
let broken: string | null = null
function step(name: string, body: () => Promise<void>) {
  it(name, async () => {
    if (broken) throw new Error(`not run: an earlier step failed (${broken})`)
    broken = name
    await body()
    broken = null
  })
}

const text = (testId: string) => page.getByTestId(testId).textContent()
const until = <T,>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000, interval: 50 })

async function buildWeb(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'izana-web-'))
  outDir = dir
  await build({ configFile: webConfig, mode: 'production', logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } })
  return dir
}

beforeAll(async () => {
  // The three slow parts overlap; whatever did start is stopped in afterAll even if another failed.
  const [started, built, launched] = await Promise.allSettled([
    startPythonBackend(),
    buildWeb(),
    launchChromium(),
  ])
  if (started.status === 'fulfilled') backend = started.value
  if (launched.status === 'fulfilled') browser = launched.value
  for (const result of [started, built, launched]) if (result.status === 'rejected') throw result.reason
  server = await preview({
    configFile: webConfig,
    logLevel: 'warn',
    build: { outDir: (built as PromiseFulfilledResult<string>).value },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, proxy: izanaProxy(backend!.origin) },
  })
  page = await browser!.newPage()
  page.on('pageerror', (error) => pageErrors.push(error.message))
  traffic = new MizanTraffic(page, '/api/izana/')
}, 40_000)

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.close(), backend?.stop()])
  if (outDir) await rm(outDir, { recursive: true, force: true })
})

describe('createMizanReact in Chromium → Vite proxy → live Python backend', () => {
  step('renders the global context and both user bundles, one request each', async () => {
    const url = server!.resolvedUrls!.local[0]!
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    await page.goto(url)
    await until(() => text('global')).toBe('Interop Fixture v2 · anonymous')
    await until(() => text('name-1')).toBe('Alice')
    await until(() => text('name-2')).toBe('Sam')
    expect(await text('posts-2')).toBe('post 1 of 2, post 2 of 2, post 3 of 2')
    await traffic.settle()
    expect(traffic.contextReads().sort()).toEqual(['/api/izana/ctx/global/', '/api/izana/ctx/user/?user_id=1', '/api/izana/ctx/user/?user_id=2'])
    expect(traffic.nonContext()).toEqual([])
  })

  step('a scoped mutation refetches exactly its one bundle (after the CSRF bootstrap)', async () => {
    traffic.reset()
    await page.getByTestId('update-1').click()
    await until(() => text('name-1')).toBe('Alice (updated)')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual(['/api/izana/ctx/user/?user_id=1'])
    expect(traffic.nonContext()).toEqual(['GET /api/izana/session/', 'POST /api/izana/call/'])
    expect(await text('name-2')).toBe('Sam')
    // The page read Django's csrftoken cookie through the proxy and echoed it.
    const cookies = await page.context().cookies()
    expect(cookies.find((c) => c.name === 'csrftoken')?.value).toMatch(/^[A-Za-z0-9]{32}$/)

    traffic.reset()
    await page.getByTestId('update-2').click()
    await until(() => text('name-2')).toBe('Sam (updated)')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual(['/api/izana/ctx/user/?user_id=2'])
    expect(traffic.nonContext()).toEqual(['POST /api/izana/call/']) // the CSRF cookie is known now
  })

  step('a merge updates the UI with no bundle request', async () => {
    traffic.reset()
    await page.getByTestId('rename-2').click()
    await until(() => text('name-2')).toBe('Sam (updated) (merged)')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual([])
    expect(traffic.nonContext()).toEqual(['POST /api/izana/call/'])
  })

  step('errors reach the UI as typed MizanErrors', async () => {
    traffic.reset()
    await page.getByTestId('fail-validation').click()
    const validation = page.getByTestId('validation-error')
    await until(() => validation.getAttribute('data-code')).toBe('VALIDATION_ERROR')
    expect(await validation.getAttribute('data-class')).toBe('MizanError')
    expect(await validation.getAttribute('data-status')).toBe('422')
    expect(JSON.parse((await validation.getAttribute('data-fields'))!)).toEqual({ name: ['taken'] })
    expect(await validation.textContent()).toBe('VALIDATION_ERROR: custom validation')

    await page.getByTestId('fail-auth').click()
    const auth = page.getByTestId('auth-error')
    await until(() => auth.getAttribute('data-code')).toBe('UNAUTHORIZED')
    expect(await auth.getAttribute('data-class')).toBe('MizanError')
    expect(await auth.getAttribute('data-status')).toBe('401')
    expect(await auth.textContent()).toBe('UNAUTHORIZED: Authentication required')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual([]) // failed calls invalidate nothing
    expect(pageErrors).toEqual([])
  })

  step('the /ws proxy reaches the backend\'s WebSocket consumer from the page origin', async () => {
    const reply = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const socket = new WebSocket(`ws://${location.host}/ws/`)
          const timer = setTimeout(() => reject(new Error('no WebSocket reply')), 4_000)
          socket.onopen = () => socket.send(JSON.stringify({ action: 'rpc', id: 'p1', fn: 'ws_echo', args: { text: 'via proxy' } }))
          socket.onmessage = (event) => {
            clearTimeout(timer)
            socket.close()
            resolve(String(event.data))
          }
          socket.onerror = () => reject(new Error('WebSocket error'))
        }),
    )
    expect(JSON.parse(reply)).toEqual({ id: 'p1', ok: true, data: { result: { message: 'via proxy' } } })
  })
})
