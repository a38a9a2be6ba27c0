/**
 * Live updates that never miss one, in Chromium: two server processes on one (private) Redis,
 * three pages signed in as three users (alice on process A, bob and carol on process B).
 *
 * (a) process B is killed while A takes mutations, then restarted: B's pages show the server's
 *     state within 1 s of their new socket;
 * (b) Redis is stopped for 5 s while both processes take mutations, 10 times: every page shows
 *     the server's state within 3 s of Redis being back, every time;
 * (c) no page ever receives an event about an inbox that is not its user's, and a socket that
 *     asks to watch another user's inbox is refused;
 * (d) 50 mutations in 2 s: each page makes at most 10 board refetches and ends on the server's state.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PrivateRedis } from '../support/private-redis.ts'
import { launchChromium, repoRoot } from './fullstack-harness.ts'

const redis = new PrivateRedis(62500)
const dataDir = mkdtempSync(join(tmpdir(), 'mizan-live-board-'))
const appJs = join(dataDir, 'app.js')
const prefix = `live-board:${randomUUID()}:`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Proc {
  port: number
  child: ChildProcess
  log: string[]
}

interface Tab {
  uid: number
  page: Page
  boardReads: number
  /** Creation time of each socket the page opened. */
  sockets: number[]
  frames: string[]
}

let browser: Browser
const procs: { a?: Proc; b?: Proc } = {}
const tabs: Tab[] = []

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

async function startProc(port: number): Promise<Proc> {
  const script = fileURLToPath(new URL('./live-board/server.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, PREFIX: prefix, DATA_DIR: dataDir, APP_JS: appJs },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  child.once('exit', () => process.off('exit', killOnExit))
  const log: string[] = []
  child.stderr!.on('data', (chunk: Buffer) => log.push(String(chunk)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log.join('')}`)), 20_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('"port"')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${log.join('')}`)))
  })
  return { port, child, log }
}

async function kill(proc: Proc | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return
  const exited = new Promise((r) => proc.child.once('exit', r))
  proc.child.kill('SIGKILL')
  await exited
}

const origin = (proc: Proc) => `http://127.0.0.1:${proc.port}`

async function call(proc: Proc, fn: string, args: unknown, uid = 1): Promise<void> {
  const res = await fetch(`${origin(proc)}/api/mizan/call/`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `uid=${uid}` }, body: JSON.stringify({ fn, args }) })
  expect(res.status).toBe(200)
}

/** What the server holds, as a page renders it: `count:last`. */
async function serverState(uid: number): Promise<{ board: string; inbox: string }> {
  const read = async (path: string) => {
    const res = await fetch(`${origin(procs.a!)}/api/mizan/ctx/${path}`, { headers: { cookie: `uid=${uid}` } })
    const bundle = (await res.json()) as Record<string, string[]>
    const items = Object.values(bundle)[0]!
    return `${items.length}:${items.at(-1) ?? ''}`
  }
  return { board: await read('board/?board_id=1'), inbox: await read(`inbox/?user_id=${uid}`) }
}

async function pageState(tab: Tab): Promise<{ board: string; inbox: string }> {
  return tab.page.evaluate(() => ({ board: document.getElementById('board')?.textContent ?? '', inbox: document.getElementById('inbox')?.textContent ?? '' }))
}

/** Waits until every page shows what the server holds; resolves with how long each took. */
async function allInSync(timeoutMs: number): Promise<number[]> {
  const start = Date.now()
  return Promise.all(
    tabs.map(async (tab) => {
      const want = await serverState(tab.uid)
      for (;;) {
        const have = await pageState(tab)
        if (have.board === want.board && have.inbox === want.inbox) return Date.now() - start
        if (Date.now() - start > timeoutMs) throw new Error(`page of user ${tab.uid} shows ${JSON.stringify(have)}, the server ${JSON.stringify(want)}`)
        await sleep(20)
      }
    }),
  )
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

async function openTab(uid: number, proc: Proc): Promise<Tab> {
  const context = await browser.newContext()
  await context.addCookies([{ name: 'uid', value: String(uid), url: origin(proc) }])
  const page = await context.newPage()
  const tab: Tab = { uid, page, boardReads: 0, sockets: [], frames: [] }
  page.on('request', (req) => {
    if (req.url().includes('/api/mizan/ctx/board/')) tab.boardReads++
  })
  page.on('websocket', (socket) => {
    tab.sockets.push(Date.now())
    socket.on('framereceived', (frame) => tab.frames.push(String(frame.payload)))
  })
  await page.goto(origin(proc))
  await waitFor(async () => /^\d+:/.test((await pageState(tab)).board) && /^\d+:/.test((await pageState(tab)).inbox), 10_000, `user ${uid}'s page to load`)
  // Every bundle the page holds is watched: global, board and inbox.
  const watched = (context: string) => tab.frames.some((f) => f.includes(`"watching":true,"context":"${context}"`))
  await waitFor(async () => watched('global') && watched('board') && watched('inbox'), 5_000, `user ${uid}'s watches`)
  return tab
}

beforeAll(async () => {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('./live-board/page.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  writeFileSync(appJs, bundled.outputFiles[0]!.text)
  await redis.start()
  const [portA, portB] = [await freePort(), await freePort()]
  ;[procs.a, procs.b, browser] = await Promise.all([startProc(portA), startProc(portB), launchChromium()])
  tabs.push(await openTab(1, procs.a!), await openTab(2, procs.b!), await openTab(3, procs.b!))
}, 60_000)

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await Promise.all([kill(procs.a), kill(procs.b)])
  await redis.stop()
  rmSync(dataDir, { recursive: true, force: true })
}, 20_000)

/** Polls a page every 10 ms until it shows the server's state; resolves with when it did. */
async function shownAt(tab: Tab, timeoutMs: number): Promise<number> {
  const want = await serverState(tab.uid)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const have = await pageState(tab)
    if (have.board === want.board && have.inbox === want.inbox) return Date.now()
    if (Date.now() > deadline) throw new Error(`page of user ${tab.uid} shows ${JSON.stringify(have)}, the server ${JSON.stringify(want)}`)
    await sleep(10)
  }
}

/** Every invalidation entry a page's sockets received. */
function invalidations(tab: Tab): unknown[] {
  const out: unknown[] = []
  for (const text of tab.frames) {
    const parsed: unknown = JSON.parse(text)
    for (const frame of Array.isArray(parsed) ? parsed : [parsed]) {
      if ((frame as { type?: unknown }).type === 'invalidate') out.push(...(frame as { invalidate: unknown[] }).invalidate)
    }
  }
  return out
}

describe('live board: two processes, one Redis, three users in Chromium', () => {
  it('(a) process B killed while A takes mutations, then restarted: its pages show the server state within 1 s of reconnecting', async () => {
    const bPages = tabs.filter((t) => t.uid !== 1)
    const socketsBefore = bPages.map((t) => t.sockets.length)
    await kill(procs.b)
    for (let i = 1; i <= 3; i++) await call(procs.a!, 'add_task', { board_id: 1, title: `while B is down ${i}` })
    await call(procs.a!, 'send_to', { user_id: 2, text: 'for bob, while B is down' }, 3)
    await sleep(300)
    procs.b = await startProc(procs.b!.port)
    const shown = await Promise.all(bPages.map((tab) => shownAt(tab, 15_000)))
    for (const [i, tab] of bPages.entries()) {
      expect(tab.sockets.length).toBeGreaterThan(socketsBefore[i]!)
      // The socket open when the page caught up is the last one it made (earlier attempts failed while B was down).
      const lag = shown[i]! - tab.sockets.at(-1)!
      console.log(`(a) user ${tab.uid}: server state shown ${lag} ms after its new socket`)
      expect(lag).toBeLessThanOrEqual(1_000)
    }
    // Alice, on A all along, had it live.
    await shownAt(tabs[0]!, 1_000)
  }, 30_000)

  it('(b) Redis stopped for 5 s while both processes take mutations: every page in sync within 3 s after, 10 cycles of 10', async () => {
    const lags: number[] = []
    for (let cycle = 1; cycle <= 10; cycle++) {
      await redis.stop()
      const stopped = Date.now()
      await sleep(300)
      await call(procs.a!, 'add_task', { board_id: 1, title: `outage ${cycle} via A` })
      await call(procs.b!, 'send_to', { user_id: 1 + (cycle % 3), text: `outage ${cycle} via B` }, 1 + ((cycle + 1) % 3))
      await sleep(2_000)
      await call(procs.b!, 'add_task', { board_id: 1, title: `outage ${cycle} via B` })
      await sleep(Math.max(0, 5_000 - (Date.now() - stopped)))
      await redis.start()
      const back = Date.now()
      const shown = await Promise.all(tabs.map((tab) => shownAt(tab, 3_000)))
      lags.push(Math.max(...shown) - back)
      // Both processes saw this outage end before the next begins (so each is one outage in their logs).
      for (const proc of [procs.a!, procs.b!]) await waitFor(async () => (proc.log.join('').match(/channel bus back/g)?.length ?? 0) >= cycle, 3_000, 'the bus to be back')
    }
    console.log(`(b) slowest page per cycle, ms after Redis was back: ${lags.join(', ')}`)
    expect(lags.every((lag) => lag <= 3_000)).toBe(true)
    // Each outage was logged by each process, and not once per reconnect attempt (ioredis retries
    // every 500 ms: that would be about 10 lines an outage). Now and then a just-restored
    // connection drops once more, a second real outage with its own down/back pair, so the bound
    // allows two of those in ten cycles rather than pinning exactly ten lines.
    for (const proc of [procs.a!, procs.b!]) {
      const downs = proc.log.join('').match(/channel bus down/g)?.length ?? 0
      expect(downs).toBeGreaterThanOrEqual(10)
      expect(downs).toBeLessThanOrEqual(12)
    }
  }, 120_000)

  it('(c) nobody hears of an inbox they cannot read; a watch of another user\'s inbox is refused', async () => {
    const carol = tabs[2]!
    const answer = await carol.page.evaluate(async () => {
      const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws/`)
      await new Promise((resolve) => (socket.onopen = resolve))
      const reply = new Promise<string>((resolve) => (socket.onmessage = (event) => resolve(String(event.data))))
      socket.send(JSON.stringify({ action: 'watch', context: 'inbox', params: { user_id: 1 }, resume: true }))
      const text = await reply
      socket.close()
      return text
    })
    expect(JSON.parse(answer)).toEqual({ error: 'Not authorized', context: 'inbox' })
    for (const tab of tabs) {
      const inboxEntries = invalidations(tab).filter((e) => typeof e === 'object' && e !== null && (e as { context?: unknown }).context === 'inbox')
      // Each user heard of their own inbox (the test can fail), and of no one else's.
      expect(inboxEntries.length).toBeGreaterThan(0)
      expect(inboxEntries).toEqual(inboxEntries.map(() => ({ context: 'inbox', params: { user_id: tab.uid } })))
      expect(tab.frames.join('\n')).not.toMatch(new RegExp(`"user_id":(?!${tab.uid}\\b)\\d`))
    }
  }, 10_000)

  it('(d) 50 mutations in 2 s: each page makes at most 10 board refetches and ends on the server state', async () => {
    await allInSync(3_000)
    for (const tab of tabs) tab.boardReads = 0
    const start = Date.now()
    for (let i = 1; i <= 50; i++) {
      await call(i % 2 ? procs.a! : procs.b!, 'add_task', { board_id: 1, title: `burst ${i}` })
      await sleep(Math.max(0, start + i * 40 - Date.now()))
    }
    expect(Date.now() - start).toBeLessThan(2_300)
    await Promise.all(tabs.map((tab) => shownAt(tab, 3_000)))
    await sleep(700)
    const reads = tabs.map((tab) => tab.boardReads)
    console.log(`(d) board refetches per page during 50 mutations in 2 s: ${reads.join(', ')}`)
    for (const count of reads) expect(count).toBeLessThanOrEqual(10)
    for (const count of reads) expect(count).toBeGreaterThanOrEqual(1)
    await allInSync(1_000)
  }, 20_000)
})
