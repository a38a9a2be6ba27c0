/**
 * The live Python backend for tests: test/interop/python/serve.py (daphne + the Django fixture on
 * django-izana 1.1.0, a fresh seeded sqlite DB, a private Redis) started from the interop venv on
 * 127.0.0.1, awaited until it answers, and stopped again. serve.py also exits when its stdin
 * closes, so a test worker that dies without `afterAll` does not leave a server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { PYTHON_DIR, requireVenv } from '../python-venv.ts'

export const IZANA_PREFIX = '/api/izana'

/** Fixed credentials of the fixture (test/interop/python/fixture_app/management/commands/seed_fixture.py). */
export const SESSIONS = {
  alice: 'interopsessionalice000000000000a',
  sam: 'interopsessionsam00000000000000s',
  root: 'interopsessionroot0000000000000r',
} as const

export interface PythonBackendOptions {
  /** `primary` (DEBUG=False, the adapter's own CSRF) or `stock` (DEBUG=True + CsrfViewMiddleware). */
  variant?: 'primary' | 'stock' | 'round2'
  /** IZANA_MWT_TTL override in seconds (the recorded fixture uses 300). */
  mwtTtl?: number
  /**
   * `private` (default: an own redis-server on a unix socket, so parallel files never meet), or
   * a Redis URL that is FLUSHDBed first (default from IZANA_LIVE_REDIS_URL, for machines with a
   * Redis service but no redis-server binary; then run the live files one at a time).
   */
  redis?: string
  timeoutMs?: number
}

export interface PythonBackend {
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** `<origin>/api/izana` */
  baseUrl: string
  port: number
  redis: string
  /** serve.py's stderr plus the daphne log, for failure messages. */
  logs(): string
  stop(): Promise<void>
}

interface ReadyLine {
  url: string
  port: number
  redis: string
  log: string
  pid: number
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

export async function startPythonBackend(options: PythonBackendOptions = {}): Promise<PythonBackend> {
  const python = requireVenv()
  const args = [PYTHON_DIR + 'serve.py', '--variant', options.variant ?? 'primary', '--redis', options.redis ?? process.env['IZANA_LIVE_REDIS_URL'] ?? 'private']
  if (options.mwtTtl !== undefined) args.push('--mwt-ttl', String(options.mwtTtl))
  const child = spawn(python, args, { cwd: PYTHON_DIR, stdio: ['pipe', 'pipe', 'pipe'] })
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  child.once('exit', () => process.off('exit', killOnExit))

  let stdout = ''
  let stderr = ''
  let daphneLog: string | undefined
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const logs = () => {
    let log = ''
    try {
      if (daphneLog) log = readFileSync(daphneLog, 'utf8')
    } catch {
      // the temp dir is gone once serve.py stopped
    }
    return `--- serve.py stderr ---\n${stderr}\n--- daphne log ---\n${log}`
  }

  async function stop(): Promise<void> {
    if (exited(child)) return
    // Closing stdin is serve.py's orderly shutdown (stops daphne and the private Redis, removes the temp dir).
    child.stdin!.end()
    if (await waitForExit(child, 8_000)) return
    child.kill('SIGTERM')
    if (await waitForExit(child, 4_000)) return
    child.kill('SIGKILL')
    await waitForExit(child, 2_000)
  }

  const timeoutMs = options.timeoutMs ?? 40_000
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`serve.py not ready within ${timeoutMs} ms`)), timeoutMs)
    function cleanup() {
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
      child.off('error', fail)
    }
    function fail(error: Error) {
      cleanup()
      reject(new Error(`${error.message}\n${logs()}`))
    }
    function onExit(code: number | null, signal: string | null) {
      fail(new Error(`serve.py exited before it was ready (code ${code}, signal ${signal})`))
    }
    function onData() {
      const line = stdout.split('\n').find((l) => l.startsWith('{'))
      if (!line) return
      cleanup()
      try {
        resolve(JSON.parse(line) as ReadyLine)
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    }
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
    child.once('error', fail)
  }).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  daphneLog = ready.log
  return { origin: ready.url, baseUrl: ready.url + IZANA_PREFIX, port: ready.port, redis: ready.redis, logs, stop }
}

/** A `fetch` that records every request it sends, for "exactly these requests" assertions. */
export function countingFetch(base: typeof fetch = globalThis.fetch) {
  const log: { method: string; path: string; headers: Headers }[] = []
  const fetchImpl = (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input)
    log.push({ method: init.method ?? 'GET', path: url.pathname + url.search, headers: new Headers(init.headers) })
    return base(input, init)
  }
  return {
    fetch: fetchImpl,
    log,
    reset: () => void log.splice(0),
    /** Context reads since the last reset, as `<name>?<query>` (e.g. `user?user_id=1`). */
    contextReads: () =>
      log.filter((r) => r.path.startsWith(`${IZANA_PREFIX}/ctx/`)).map((r) => r.path.slice(`${IZANA_PREFIX}/ctx/`.length).replace('/', '')),
    calls: () => log.filter((r) => r.path === `${IZANA_PREFIX}/call/`).length,
    sessions: () => log.filter((r) => r.path === `${IZANA_PREFIX}/session/`).length,
  }
}
