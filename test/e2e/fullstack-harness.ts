/**
 * Runs the fullstack example exactly as `npm start` does (a child `node start.mjs` with PORT=0,
 * so it builds the web app if stale and picks a free port), and launches the system Chromium.
 * A child process keeps the example's in-memory store fresh per run and easy to kill.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page, type Request } from 'playwright-core'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const startScript = fileURLToPath(new URL('../../examples/fullstack/start.mjs', import.meta.url))
export const distDir = fileURLToPath(new URL('../../examples/fullstack/web/dist/', import.meta.url))
export const CHROMIUM_PATH = '/usr/bin/chromium'

export interface RunningExample {
  url: string
  output(): string
  stop(): Promise<void>
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

// Several e2e files start the example at once, and each start rebuilds the web app when it is
// stale: two Vite builds into one dist/ would clobber each other. Starts therefore take turns
// (a lock directory per checkout); once one has built, the others find the build fresh.
const START_LOCK = join(tmpdir(), `mizan-fullstack-start-${createHash('sha1').update(repoRoot).digest('hex').slice(0, 10)}.lock`)

async function withStartLock<T>(run: () => Promise<T>, waitMs = 90_000): Promise<T> {
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      await mkdir(START_LOCK)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      // A lock left by a killed run is older than any real start.
      const held = await stat(START_LOCK).catch(() => null)
      if (held && Date.now() - held.mtimeMs > 60_000) await rm(START_LOCK, { recursive: true, force: true })
      else if (Date.now() > deadline) throw new Error(`another e2e file kept ${START_LOCK} for ${waitMs} ms`)
      else await new Promise((r) => setTimeout(r, 100))
    }
  }
  try {
    return await run()
  } finally {
    await rm(START_LOCK, { recursive: true, force: true })
  }
}

export function startExample(timeoutMs = 30_000): Promise<RunningExample> {
  return withStartLock(() => spawnExample(timeoutMs))
}

async function spawnExample(timeoutMs: number): Promise<RunningExample> {
  const child = spawn(process.execPath, [startScript], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // If the test worker dies without running afterAll, do not leave a server behind.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  child.once('exit', () => process.off('exit', killOnExit))
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))

  async function stop(): Promise<void> {
    if (child.pid === undefined) return
    child.kill('SIGTERM')
    if (!(await waitForExit(child, 5_000))) {
      child.kill('SIGKILL')
      await waitForExit(child, 2_000)
    }
  }

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`example did not print its URL within ${timeoutMs} ms`)), timeoutMs)
    function fail(error: Error) {
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      reject(new Error(`${error.message}\n--- start.mjs output ---\n${output}`))
    }
    function onData() {
      const match = /Mizan fullstack example: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)
      if (!match?.[1]) return
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      resolve(match[1])
    }
    child.stdout!.on('data', onData)
    child.once('error', fail)
    child.once('exit', (code, signal) => fail(new Error(`start.mjs exited early (code ${code}, signal ${signal})`)))
  }).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  return { url, output: () => output, stop }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is required for the e2e test but ${CHROMIUM_PATH} does not exist (install the distro's chromium package)`)
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    timeout: 20_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * The example and Chromium, started in parallel (the build, if stale, and the browser start are the
 * slow parts). Whatever did start is handed to `keep` before a failure is rethrown, so the
 * caller's afterAll can still stop it.
 */
export async function startExampleAndChromium(keep: (parts: { example?: RunningExample; browser?: Browser }) => void): Promise<void> {
  const [started, launched] = await Promise.allSettled([startExample(), launchChromium()])
  keep({
    ...(started.status === 'fulfilled' ? { example: started.value } : {}),
    ...(launched.status === 'fulfilled' ? { browser: launched.value } : {}),
  })
  if (started.status === 'rejected') throw started.reason
  if (launched.status === 'rejected') throw launched.reason
}

/**
 * Records every Mizan request a page makes, and tells when the network has been quiet for a
 * while: "exactly these requests" is only meaningful once late refetches had a chance to start.
 */
export class MizanTraffic {
  private log: { method: string; path: string }[] = []
  private inFlight = new Set<Request>()
  private lastChange = Date.now()

  /** `prefix`: the API mount to record (`/api/izana/` against the Python backend). */
  constructor(
    page: Page,
    private readonly prefix = '/api/mizan/',
  ) {
    page.on('request', (req) => {
      const url = new URL(req.url())
      if (!url.pathname.startsWith(this.prefix)) return
      this.log.push({ method: req.method(), path: url.pathname + url.search })
      this.inFlight.add(req)
      this.lastChange = Date.now()
    })
    const done = (req: Request) => {
      if (this.inFlight.delete(req)) this.lastChange = Date.now()
    }
    page.on('requestfinished', done)
    page.on('requestfailed', done)
  }

  reset(): void {
    this.log = []
  }

  /** Context bundle reads since the last reset, e.g. `/api/mizan/ctx/user/?user_id=1`. */
  contextReads(): string[] {
    return this.log.filter((r) => r.path.startsWith(`${this.prefix}ctx/`)).map((r) => r.path)
  }

  calls(): string[] {
    return this.log.filter((r) => r.path.startsWith(`${this.prefix}call/`)).map((r) => `${r.method} ${r.path}`)
  }

  /** Every request but the context reads: calls and the session bootstrap. */
  nonContext(): string[] {
    return this.log.filter((r) => !r.path.startsWith(`${this.prefix}ctx/`)).map((r) => `${r.method} ${r.path}`)
  }

  /** Every Mizan request since the last reset (session bootstrap included). */
  all(): string[] {
    return this.log.map((r) => `${r.method} ${r.path}`)
  }

  async settle(quietMs = 400, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (this.inFlight.size === 0 && Date.now() - this.lastChange >= quietMs) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`network did not settle; in flight: ${[...this.inFlight].map((r) => r.url()).join(', ')}`)
  }
}
