/**
 * Two browsers on the fullstack example, over its WebSocket (/ws/ on the same port): a chat
 * channel, and live invalidation. Two browser contexts are two separate cookie jars, so page A
 * and page B are two sessions, as two people on two machines would be. Page B never reloads:
 * what A changes reaches B as a push, and B answers it with exactly the scoped refetch.
 */
import type { Browser, BrowserContext, Page, WebSocket } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, } from 'vitest'
import { MizanTraffic, type RunningExample, startExampleAndChromium } from './fullstack-harness.ts'
import { stepChain } from './step-chain.ts'

const SCREENSHOTS = { a: '/tmp/mizan-e2e-live-a.png', b: '/tmp/mizan-e2e-live-b.png' }

/** One browser: its page, the Mizan requests it makes, its sockets' frames, and its navigations. */
interface Tab {
  name: string
  context: BrowserContext
  page: Page
  traffic: MizanTraffic
  sockets: { socket: WebSocket; received: string[] }[]
  navigations: number
  errors: string[]
}

let example: RunningExample | undefined
let browser: Browser | undefined
let a: Tab
let b: Tab

const until = <T,>(read: () => Promise<T>, timeout = 4_000) => expect.poll(read, { timeout, interval: 50 })
const byTestId = (tab: Tab, id: string) => tab.page.getByTestId(id)

// As in fullstack.test.ts: the steps build on each other, so after a failure the rest fail at once.
const { step, begin, finished } = stepChain(8_000)

async function openTab(name: string): Promise<Tab> {
  // A context per tab: its own cookies (session, CSRF), so A and B are two different visitors.
  const context = await browser!.newContext({ viewport: { width: 1200, height: 1000 } })
  const page = await context.newPage()
  page.setDefaultTimeout(4_000)
  const tab: Tab = { name, context, page, traffic: new MizanTraffic(page), sockets: [], navigations: 0, errors: [] }
  page.on('pageerror', (err) => tab.errors.push(`pageerror: ${String(err)}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') tab.errors.push(`console: ${msg.text()}`)
  })
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) tab.navigations++
  })
  page.on('websocket', (socket) => {
    const entry = { socket, received: [] as string[] }
    tab.sockets.push(entry)
    socket.on('framereceived', (frame) => entry.received.push(String(frame.payload)))
  })
  return tab
}

/** Frames the tab's newest socket received that contain `text`. */
function framesWith(tab: Tab, text: string): string[] {
  return (tab.sockets.at(-1)?.received ?? []).filter((frame) => frame.includes(text))
}

/** The newest socket acknowledged the chat subscription and a watch on every bundle the page shows. */
async function live(tab: Tab): Promise<void> {
  await until(() => Promise.resolve(framesWith(tab, '"subscribed":true').length)).toBe(1)
  for (const watched of ['"context":"global","params":{}', '"context":"user","params":{"user_id":1}', '"context":"user","params":{"user_id":2}']) {
    await until(() => Promise.resolve(framesWith(tab, `{"watching":true,${watched}}`).length)).toBe(1)
  }
  await until(() => byTestId(tab, 'chat-status').textContent()).toBe('open')
}

describe('two browsers, one example: chat and live invalidation in Chromium', () => {
  beforeAll(async () => {
    begin('setup')
    await startExampleAndChromium((parts) => ({ example, browser } = parts))
    a = await openTab('A')
    b = await openTab('B')
    finished()
  }, 35_000)

  afterAll(async () => {
    await a?.context.close().catch(() => undefined)
    await b?.context.close().catch(() => undefined)
    await browser?.close().catch(() => undefined)
    await example?.stop()
  }, 10_000)

  step('both pages load over HTTP, then open one socket each: chat subscribed, every bundle watched', async () => {
    await Promise.all([a.page.goto(example!.url), b.page.goto(example!.url)])
    for (const tab of [a, b]) {
      await until(() => byTestId(tab, 'user-name-1').textContent()).toBe('Ada Lovelace')
      await live(tab)
      await tab.traffic.settle()
      expect(tab.traffic.contextReads().sort()).toEqual(['/api/mizan/ctx/global/', '/api/mizan/ctx/user/?user_id=1', '/api/mizan/ctx/user/?user_id=2'])
      expect(tab.sockets.map((s) => new URL(s.socket.url()).pathname)).toEqual(['/ws/'])
      // Reading is public, speaking is not: signed out, the send box is off.
      expect(await byTestId(tab, 'chat-input').isDisabled()).toBe(true)
    }
    // Page B must never reload from here on: a marker in its window would not survive one.
    await b.page.evaluate(() => ((window as unknown as Record<string, unknown>)['__liveMarker'] = 'still here'))
  })

  step('A signs in: A reconnects with its new session; B refetches only `global`, as itself', async () => {
    a.traffic.reset()
    b.traffic.reset()
    await byTestId(a, 'login-username').fill('ada')
    await byTestId(a, 'login-button').click()
    await until(() => byTestId(a, 'current-user').textContent()).toBe('Signed in as Ada Lovelace (ada)')
    // The socket A opened while signed out was anonymous; a new one carries the session cookie.
    await until(() => Promise.resolve(a.sockets.length)).toBe(2)
    await until(() => Promise.resolve(a.sockets[0]!.socket.isClosed())).toBe(true)
    await live(a)
    expect(await byTestId(a, 'chat-input').isDisabled()).toBe(false)
    // `login` invalidates `global` (unscoped), so B refreshes its own global bundle: still B's.
    await until(() => Promise.resolve(b.traffic.contextReads())).toEqual(['/api/mizan/ctx/global/'])
    await Promise.all([a.traffic.settle(), b.traffic.settle()])
    expect(b.traffic.all()).toEqual(['GET /api/mizan/ctx/global/'])
    expect(await byTestId(b, 'current-user').textContent()).toBe('Not signed in')
    expect(a.traffic.contextReads()).toEqual(['/api/mizan/ctx/global/'])
  })

  step('A sends a chat message: B shows it, stamped by the server, with no HTTP request', async () => {
    a.traffic.reset()
    b.traffic.reset()
    await byTestId(a, 'chat-input').fill('Hello from A')
    await byTestId(a, 'chat-send').click()
    for (const tab of [b, a]) {
      await until(() => byTestId(tab, 'chat-messages').getByTestId('chat-message').allTextContents()).toEqual([
        expect.stringMatching(/^Ada Lovelace Hello from A /),
      ])
    }
    // The sender's name and the time come from the server (`onMessage`), not from A's page.
    const broadcast = JSON.parse(framesWith(b, 'Hello from A')[0]!) as { channel: string; data: { text: string; from: string; at: string } }
    expect(broadcast.channel).toBe('chat')
    expect(broadcast.data).toMatchObject({ text: 'Hello from A', from: 'Ada Lovelace' })
    expect(Date.now() - Date.parse(broadcast.data.at)).toBeLessThan(10_000)
    await Promise.all([a.traffic.settle(), b.traffic.settle()])
    expect(a.traffic.all()).toEqual([])
    expect(b.traffic.all()).toEqual([])
  })

  step('signed out, B may read but not speak: the server refuses, whatever the page allows', async () => {
    // B's send box is disabled; a hand-made socket from B's page (B's cookies) gets past that, not past the server.
    const appSockets = b.sockets.length
    const answers = await b.page.evaluate(async () => {
      const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws/`)
      const frames: string[] = []
      await new Promise<void>((resolve, reject) => {
        socket.onopen = () => resolve()
        socket.onerror = () => reject(new Error('socket failed'))
      })
      const done = new Promise<void>((resolve) => {
        socket.onmessage = (event) => {
          frames.push(String(event.data))
          if (frames.length === 2) resolve()
        }
      })
      socket.send(JSON.stringify({ action: 'subscribe', channel: 'chat', params: { room: 'team' } }))
      socket.send(JSON.stringify({ action: 'message', channel: 'chat', params: { room: 'team' }, data: { text: 'anonymous words' } }))
      await Promise.race([done, new Promise((r) => setTimeout(r, 3_000))])
      socket.close()
      return frames
    })
    // That socket is not the page's: keep `framesWith` on the app's own.
    b.sockets.splice(appSockets)
    expect(answers.map((f) => JSON.parse(f))).toEqual([
      { subscribed: true, channel: 'chat', params: { room: 'team' } },
      { error: 'Sign in to chat', channel: 'chat' },
    ])
    // Nothing reached the room.
    await new Promise((r) => setTimeout(r, 200))
    expect(framesWith(a, 'anonymous words')).toEqual([])
    expect(await byTestId(b, 'chat-messages').getByTestId('chat-message').count()).toBe(1)
  })

  step('A updates a profile over HTTP: B shows it without reloading, after exactly one scoped refetch', async () => {
    await byTestId(a, 'edit-user').selectOption('1')
    await byTestId(a, 'edit-name').fill('Ada, Countess of Lovelace')
    a.traffic.reset()
    b.traffic.reset()
    const framesBefore = framesWith(b, '"type":"invalidate"').length
    await byTestId(a, 'update-button').click()
    await until(() => byTestId(b, 'user-name-1').textContent()).toBe('Ada, Countess of Lovelace')
    await Promise.all([a.traffic.settle(), b.traffic.settle()])
    // B: one push, naming only user 1; one GET of that bundle; no call, no other bundle.
    expect(framesWith(b, '"type":"invalidate"').slice(framesBefore).map((f) => JSON.parse(f))).toEqual([
      { type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] },
    ])
    expect(b.traffic.all()).toEqual(['GET /api/mizan/ctx/user/?user_id=1'])
    expect(await byTestId(b, 'user-fetches-1').textContent()).toContain('refetched 1×')
    expect(await byTestId(b, 'user-fetches-2').textContent()).toContain('refetched 0×')
    expect(await byTestId(b, 'user-name-2').textContent()).toBe('Grace Hopper')
    // Not a reload: same document, no navigation since the first load.
    expect(await b.page.evaluate(() => (window as unknown as Record<string, unknown>)['__liveMarker'])).toBe('still here')
    expect(b.navigations).toBe(1)
    // A heard its own mutation echoed too, and did not refetch a second time for it.
    expect(a.traffic.calls()).toEqual(['POST /api/mizan/call/'])
    expect(a.traffic.contextReads()).toEqual(['/api/mizan/ctx/user/?user_id=1'])
  })

  step('A renames with a merge: A makes no request at all, B refetches that one bundle', async () => {
    // A (ada) may rename only her own profile (the example enforces ownership).
    await byTestId(a, 'edit-user').selectOption('1')
    await byTestId(a, 'edit-name').fill('Amazing Ada')
    a.traffic.reset()
    b.traffic.reset()
    await byTestId(a, 'rename-button').click()
    await until(() => byTestId(a, 'user-name-1').textContent()).toBe('Amazing Ada')
    await until(() => byTestId(b, 'user-name-1').textContent()).toBe('Amazing Ada')
    await Promise.all([a.traffic.settle(), b.traffic.settle()])
    // The merged value is the mutating user's view, so other browsers refetch rather than copy it.
    expect(b.traffic.all()).toEqual(['GET /api/mizan/ctx/user/?user_id=1'])
    expect(a.traffic.calls()).toEqual(['POST /api/mizan/call/'])
    expect(a.traffic.contextReads()).toEqual([])
    expect(await b.page.evaluate(() => (window as unknown as Record<string, unknown>)['__liveMarker'])).toBe('still here')
    expect(b.navigations).toBe(1)

    await Promise.all([a.page.screenshot({ path: SCREENSHOTS.a, fullPage: true }), b.page.screenshot({ path: SCREENSHOTS.b, fullPage: true })])
    expect(a.errors).toEqual([])
    expect(b.errors).toEqual([])
  })
})
