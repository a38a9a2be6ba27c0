/**
 * The fullstack example's server-rendered page (`/ssr`) in a real browser: the data is in the
 * HTML the server sends, hydration asks the API for none of it and keeps the server's DOM, and
 * afterwards the page behaves like any Mizan page (the contact form validates in the browser,
 * server verdicts land on fields, and a submit invalidates exactly the affected bundle).
 */
import { readdir, readFile } from 'node:fs/promises'
import { AGE_SLACK_MS } from '../../src/server/channels/live-registry.ts'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distDir, MizanTraffic, type RunningExample, startExampleAndChromium } from './fullstack-harness.ts'
import { stepChain } from './step-chain.ts'

let example: RunningExample | undefined
let browser: Browser | undefined
let page: Page
let traffic: MizanTraffic
/** Console errors and warnings, and uncaught errors: a hydration mismatch would show up here. */
const problems: string[] = []

const byTestId = (id: string) => page.getByTestId(id)
const until = <T,>(read: () => Promise<T>) => expect.poll(read, { timeout: 4_000, interval: 50 })

/** Server-rendered nodes marked before any script ran; hydration must adopt, not replace, them. */
const MARKED = ['user-name-1', 'user-messages-1', 'contact-form', 'current-user']

// As in fullstack.test.ts: the steps share one page, so after a failure the rest fail fast.
const { step, begin, finished } = stepChain(8_000)

async function hydrated(): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset['hydrated'] === 'true', undefined, { timeout: 4_000 })
}

async function fillContact(values: { name: string; email: string; message: string }) {
  await byTestId('contact-name').fill(values.name)
  await byTestId('contact-email').fill(values.email)
  await byTestId('contact-message').fill(values.message)
}

describe('server-rendered page in Chromium', () => {
  beforeAll(async () => {
    begin('setup')
    await startExampleAndChromium((parts) => ({ example, browser } = parts))
    page = await browser!.newPage({ viewport: { width: 1200, height: 900 } })
    page.setDefaultTimeout(4_000)
    page.on('pageerror', (err) => problems.push(`pageerror: ${String(err)}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`)
    })
    traffic = new MizanTraffic(page)
    finished()
  }, 60_000)

  afterAll(async () => {
    await browser?.close().catch(() => undefined)
    await example?.stop()
  }, 10_000)

  step('the HTML the server sends already shows the data, read before any script runs', async () => {
    // Hold every script until the server's DOM has been looked at and marked.
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    await page.route('**/assets/*.js', async (route) => {
      await gate
      await route.continue()
    })
    const response = await page.goto(`${example!.url}ssr`, { waitUntil: 'commit' })
    const html = await response!.text()
    expect(response!.status()).toBe(200)
    expect(html).toContain('<h2 data-testid="user-name-1">Ada Lovelace</h2>')
    expect(html).toContain('<li>Notes on the Analytical Engine</li>')
    expect(html).toContain('<span data-testid="current-user">Not signed in</span>')
    expect(html).toContain('Team directory')
    expect(html).toContain('<button type="submit" data-testid="contact-submit">Send message</button>')
    expect(html).toMatch(/<script>window\.__MIZAN_SSR_PROPS__=\{"userId":1\};window\.__MIZAN_SSR_DATA__=\{"current_user":null,"site_info":\{"memberCount":2,"title":"Team directory"\}\};window\.__MIZAN_SSR_STATE__=/)
    expect(html).not.toContain('Loading')

    await page.waitForSelector('[data-testid="contact-submit"]', { state: 'attached' })
    expect(await page.evaluate(() => document.documentElement.dataset['hydrated'])).toBeUndefined()
    await page.evaluate((ids) => {
      for (const id of ids) (document.querySelector(`[data-testid="${id}"]`) as unknown as Record<string, unknown>)['__fromServer'] = true
    }, MARKED)
    traffic.reset()
    release()
  })

  step('hydration requests none of the prefetched data, adopts the server DOM and logs no mismatch', async () => {
    await hydrated()
    await traffic.settle()
    await page.unroute('**/assets/*.js')
    expect(traffic.all()).toEqual([])
    const adopted = await page.evaluate(
      (ids) => ids.filter((id) => (document.querySelector(`[data-testid="${id}"]`) as unknown as Record<string, unknown> | null)?.['__fromServer'] === true),
      MARKED,
    )
    expect(adopted).toEqual(MARKED)
    expect(problems).toEqual([])
  })

  step('the form validates in the browser with the shared schema: errors, and no request', async () => {
    traffic.reset()
    await fillContact({ name: 'G', email: 'not-an-email', message: 'short' })
    await byTestId('contact-submit').click()
    await until(() => byTestId('contact-error-name').getAttribute('data-source')).toBe('client')
    expect(await byTestId('contact-error-name').textContent()).toContain('Tell us your name (2 characters or more)')
    expect(await byTestId('contact-error-email').textContent()).toContain('Enter a valid email address')
    expect(await byTestId('contact-error-message').textContent()).toContain('Say a little more')
    await traffic.settle()
    expect(traffic.all()).toEqual([])
  })

  step('a rule only the server knows lands on its field, marked server; a refused form invalidates nothing', async () => {
    await fillContact({ name: 'Grace', email: 'grace@mailinator.com', message: 'Loved the talk on compilers.' })
    expect(await byTestId('contact-error-name').count()).toBe(0)
    traffic.reset()
    await byTestId('contact-submit').click()
    await until(() => byTestId('contact-error-email').textContent()).toContain('Disposable addresses are not accepted.')
    expect(await byTestId('contact-error-email').getAttribute('data-source')).toBe('server')
    await traffic.settle()
    // The first POST of the page bootstraps CSRF, as for any call.
    expect(traffic.all()).toEqual(['GET /api/mizan/session/', 'POST /api/mizan/call/'])
  })

  step('a later submit still invalidates normally: exactly the recipient’s bundle is refetched', async () => {
    await byTestId('contact-email').fill('grace@navy.example')
    expect(await byTestId('contact-error-email').count()).toBe(0)
    traffic.reset()
    await byTestId('contact-submit').click()
    await until(() => byTestId('contact-result').textContent()).toBe('Delivered to Ada Lovelace (message #1)')
    await until(() => byTestId('user-messages-1').textContent()).toBe('1 message, latest from Grace')
    await traffic.settle()
    expect(traffic.calls()).toEqual(['POST /api/mizan/call/'])
    expect(traffic.contextReads()).toEqual(['/api/mizan/ctx/user/?user_id=1'])
    expect(await byTestId('user-fetches-1').textContent()).toContain('refetched 1×')
    expect(problems).toEqual([])
  })

  step('signed in, the server renders the page for that member, and hydration again requests nothing', async () => {
    await byTestId('login-username').fill('grace')
    await byTestId('login-button').click()
    await until(() => byTestId('current-user').textContent()).toBe('Signed in as Grace Hopper (grace)')
    // The live layer re-announces a bundle whose first watch comes less than its slack (1 s,
    // AGE_SLACK_MS) after a mutation that touched it: at worst one refetch, by design
    // (docs/LIVE.md). Signing in touched `global`; this step is about hydration, so it reloads
    // once that window has passed.
    await new Promise((resolve) => setTimeout(resolve, AGE_SLACK_MS + 200))
    traffic.reset()
    const response = await page.reload()
    const html = await response!.text()
    expect(html).toContain('Signed in as <strong>Grace Hopper</strong>')
    expect(html).toContain('<h2 data-testid="user-name-2">Grace Hopper</h2>')
    expect(html).toContain('window.__MIZAN_SSR_PROPS__={"userId":2}')
    await hydrated()
    await traffic.settle()
    expect(traffic.all()).toEqual([])
    expect(await byTestId('user-name-2').textContent()).toBe('Grace Hopper')
    expect(problems).toEqual([])
  })

  it('ships the server-only form rules nowhere near the browser', async () => {
    const assets = join(distDir, 'assets')
    for (const file of (await readdir(assets)).filter((f) => f.endsWith('.js'))) {
      const code = await readFile(join(assets, file), 'utf8')
      for (const marker of ['mailinator.com', 'You cannot message yourself', 'Disposable addresses']) {
        expect(code, `${file} contains '${marker}'`).not.toContain(marker)
      }
    }
  }, 5_000)
})
