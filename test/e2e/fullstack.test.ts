/**
 * End to end in a real browser: the built fullstack example, served by its own node server,
 * driven with Chromium. The assertions count the requests the page makes, because "what did
 * NOT go over the network" is the point of scoped invalidation and merges.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distDir, MizanTraffic, type RunningExample, startExampleAndChromium } from './fullstack-harness.ts'
import { stepChain } from './step-chain.ts'

const SCREENSHOT = '/tmp/mizan-e2e.png'

let example: RunningExample | undefined
let browser: Browser | undefined
let page: Page
let traffic: MizanTraffic
const pageErrors: string[] = []

const byTestId = (id: string) => page.getByTestId(id)
/** Polls a page read until it matches; UI updates follow network round trips. */
const until = <T,>(read: () => Promise<T>) => expect.poll(read, { timeout: 4_000, interval: 50 })

/**
 * The steps share one page and build on each other's state, so after the first failure the
 * rest fail at once instead of each waiting out its timeout: the file stays well under 60 s.
 * The flag is cleared only by a step that finished, so a timed-out step also counts.
 */
const { step, begin, finished } = stepChain(6_000)

async function editName(userId: number, name: string, button: 'update-button' | 'rename-button') {
  await byTestId('edit-user').selectOption(String(userId))
  await byTestId('edit-name').fill(name)
  traffic.reset()
  await byTestId(button).click()
}

describe('fullstack example in Chromium', () => {
  beforeAll(async () => {
    begin('setup')
    await startExampleAndChromium((parts) => ({ example, browser } = parts))
    page = await browser!.newPage({ viewport: { width: 1200, height: 900 } })
    page.setDefaultTimeout(4_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    traffic = new MizanTraffic(page)
    finished()
  }, 35_000)

  afterAll(async () => {
    await browser?.close().catch(() => undefined)
    await example?.stop()
  }, 10_000)

  step('loads the global bundle once and one bundle per user card', async () => {
    await page.goto(example!.url)
    await until(() => byTestId('user-name-1').textContent()).toBe('Ada Lovelace')
    await until(() => byTestId('user-name-2').textContent()).toBe('Grace Hopper')
    await traffic.settle()
    expect(await byTestId('current-user').textContent()).toBe('Not signed in')
    expect(await byTestId('site-title').textContent()).toContain('Team directory')
    expect(traffic.contextReads().sort()).toEqual([
      '/api/mizan/ctx/global/',
      '/api/mizan/ctx/user/?user_id=1',
      '/api/mizan/ctx/user/?user_id=2',
    ])
    expect(await byTestId('user-posts-1').locator('li').count()).toBe(3)
  })

  step('signed out, an edit is refused UNAUTHORIZED and changes nothing (issue 24: auth on every mutation)', async () => {
    await editName(1, 'Anonymous Vandal', 'rename-button')
    await until(() => byTestId('edit-error').getAttribute('data-code')).toBe('UNAUTHORIZED')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual([])
    expect(await byTestId('user-name-1').textContent()).toBe('Ada Lovelace')
  })

  step('an auth-gated call made while signed out shows UNAUTHORIZED', async () => {
    traffic.reset()
    await byTestId('notes-button').click()
    await until(() => byTestId('notes-error').getAttribute('data-code')).toBe('UNAUTHORIZED')
    expect(await byTestId('notes-error').textContent()).toMatch(/^UNAUTHORIZED: /)
    await traffic.settle()
    expect(traffic.contextReads()).toEqual([])
  })

  step('signing in refetches the global bundle once and unlocks the auth-gated call', async () => {
    await byTestId('login-username').fill('ada')
    traffic.reset()
    await byTestId('login-button').click()
    await until(() => byTestId('current-user').textContent()).toBe('Signed in as Ada Lovelace (ada)')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual(['/api/mizan/ctx/global/'])

    await byTestId('notes-button').click()
    await until(() => byTestId('notes-list').textContent()).toContain('Draft note G')
    expect(await byTestId('notes-error').count()).toBe(0)
  })

  step('a scoped mutation refetches exactly the affected user bundle', async () => {
    await editName(1, 'Ada King', 'update-button')
    await until(() => byTestId('user-name-1').textContent()).toBe('Ada King')
    await traffic.settle()
    expect(traffic.calls()).toEqual(['POST /api/mizan/call/'])
    expect(traffic.contextReads()).toEqual(['/api/mizan/ctx/user/?user_id=1'])
    expect(await byTestId('user-name-2').textContent()).toBe('Grace Hopper')
    expect(await byTestId('user-fetches-1').textContent()).toContain('refetched 1×')
    expect(await byTestId('user-fetches-2').textContent()).toContain('refetched 0×')
  })

  step('a merge updates the page with no context request at all', async () => {
    await editName(1, 'Countess Lovelace', 'rename-button')
    await until(() => byTestId('user-name-1').textContent()).toBe('Countess Lovelace')
    await traffic.settle()
    expect(traffic.calls()).toEqual(['POST /api/mizan/call/'])
    expect(traffic.contextReads()).toEqual([])
    expect(await byTestId('user-fetches-1').textContent()).toContain('refetched 1×')
  })

  step("signed in, another member's profile is refused FORBIDDEN (ownership)", async () => {
    await editName(2, 'Rear Admiral Hopper', 'rename-button')
    await until(() => byTestId('edit-error').getAttribute('data-code')).toBe('FORBIDDEN')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual([])
    expect(await byTestId('user-name-2').textContent()).toBe('Grace Hopper')
  })

  step('a validation error reaches the UI typed, with its field message', async () => {
    await editName(1, 'x', 'update-button')
    await until(() => byTestId('edit-error').getAttribute('data-code')).toBe('VALIDATION_ERROR')
    expect(await byTestId('edit-error').textContent()).toMatch(/^VALIDATION_ERROR: /)
    expect(await byTestId('edit-error-field-name').textContent()).toBe('name: Name must be at least 2 characters')
    await traffic.settle()
    // A failed mutation invalidates nothing, and the card keeps its value.
    expect(traffic.contextReads()).toEqual([])
    expect(await byTestId('user-name-1').textContent()).toBe('Countess Lovelace')
  })

  step("a function's declared error reaches the UI with its typed details", async () => {
    // User 2 is 'Grace Hopper': renameUser declares NAME_TAKEN (409).
    await editName(1, 'grace hopper', 'rename-button')
    await until(() => byTestId('edit-error').getAttribute('data-code')).toBe('NAME_TAKEN')
    expect(await byTestId('edit-error').textContent()).toBe('NAME_TAKEN: That name is taken')
    expect(await byTestId('name-taken').textContent()).toBe('“grace hopper” already belongs to user #2.')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual([])
    expect(await byTestId('user-name-1').textContent()).toBe('Countess Lovelace')
  })

  step('the request-log middleware times every call: Server-Timing and a log line', async () => {
    const answered = page.waitForResponse((res) => res.url().endsWith('/api/mizan/call/') && res.request().postData()?.includes('"echo"') === true)
    await byTestId('echo-button').click()
    const timing = (await answered).headers()['server-timing']
    expect(timing).toMatch(/^mizan;desc="echo";dur=\d+\.\d$/)
    await until(async () => example!.output()).toMatch(/\[fullstack\] echo ok \d+\.\d ms/)
    expect(example!.output()).toMatch(/\[fullstack\] rename_user NAME_TAKEN \d+\.\d ms/)
  })

  step('echo answers and the page logged no error', async () => {
    await byTestId('echo-button').click()
    await until(() => byTestId('echo-result').textContent()).toContain('hello, Mizan')
    await traffic.settle()
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    expect(pageErrors).toEqual([])
  })

  // Independent of the page, so it runs even when a browser step failed.
  it('ships no server code in the web bundle', async () => {
    const assets = join(distDir, 'assets')
    const scripts = (await readdir(assets)).filter((f) => f.endsWith('.js'))
    expect(scripts.length).toBeGreaterThan(0)
    for (const file of scripts) {
      const code = await readFile(join(assets, file), 'utf8')
      // Seed data and handler-only strings live in examples/fullstack/server/ alone.
      for (const marker of ['Analytical Engine', 'demo_session', 'No team member with id']) {
        expect(code, `${file} contains '${marker}'`).not.toContain(marker)
      }
    }
  }, 5_000)
})
