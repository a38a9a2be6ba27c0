/**
 * The fullstack example in Chromium: a live counter over server-sent events (no socket), and an
 * upload with a progress bar (XMLHttpRequest upload progress, multipart streamed to disk).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startExampleAndChromium, type RunningExample } from './fullstack-harness.ts'

let example: RunningExample | undefined
let browser: Browser | undefined
let page: Page
const pageErrors: string[] = []
const until = <T,>(read: () => Promise<T>) => expect.poll(read, { timeout: 6_000, interval: 50 })

describe('streaming and uploads in Chromium', () => {
  beforeAll(async () => {
    await startExampleAndChromium((parts) => ({ example, browser } = parts))
    page = await browser!.newPage({ viewport: { width: 1200, height: 900 } })
    page.setDefaultTimeout(6_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await page.goto(example!.url)
  }, 40_000)

  afterAll(async () => {
    await browser?.close().catch(() => undefined)
    await example?.stop()
  }, 10_000)

  it('counts live over server-sent events, and stops the stream when asked', async () => {
    const streamed = page.waitForRequest((req) => req.url().endsWith('/api/mizan/call/') && (req.headers()['accept'] ?? '').includes('text/event-stream'))
    await page.getByTestId('live-toggle').click()
    await streamed
    await until(() => page.getByTestId('live-status').textContent()).toBe('open')
    const first = Number(await page.getByTestId('live-counter').textContent())
    await until(async () => Number(await page.getByTestId('live-counter').textContent())).toBeGreaterThanOrEqual(first + 3)
    await page.getByTestId('live-toggle').click()
    expect(await page.getByTestId('live-status').textContent()).toBe('stopped')
    expect(pageErrors).toEqual([])
  })

  it('uploads an 8 MB file with a progress bar that reaches the end', async () => {
    // Upload at 16 MB/s (Chromium's network emulation), so the progress events have time to fire.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 16 * 1024 * 1024 })
    await page.getByTestId('upload-input').setInputFiles({ name: 'eight.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(8 * 1024 * 1024, 7) })
    await until(() => page.getByTestId('upload-result').textContent()).toBe(`eight.bin: ${8 * 1024 * 1024} bytes`)
    expect(await page.getByTestId('upload-progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(1)
    // The bar moved in several steps, not straight to full.
    expect(Number(await page.getByTestId('upload-progress').getAttribute('data-steps'))).toBeGreaterThan(2)
    expect(pageErrors).toEqual([])
  })
})
