/**
 * Vitest globalSetup: what the tests need beyond node_modules, set up on a fresh machine so that
 * `npm install && npm test` runs every test (none skipped):
 * - the Python interop venv (test/interop/setup.sh: django-izana / izana-core from PyPI);
 *   idempotent, a hash check when it is up to date;
 * - Chromium for the browser tests: Debian's `chromium` package, installed when running as
 *   root, else a clear error naming the package;
 * - Redis on 127.0.0.1:6379: started (and stopped again afterwards) when nothing answers there,
 *   installing Debian's `redis-server` when running as root.
 * Each step costs a file check or one TCP connect when the machine already has it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const CHROMIUM = '/usr/bin/chromium'
const REDIS_PORT = 6379

const isRoot = () => process.getuid?.() === 0
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0

function aptInstall(pkg: string, why: string): void {
  if (!isRoot()) throw new Error(`${why} needs Debian's \`${pkg}\` package: run \`sudo apt-get install -y ${pkg}\`, then \`npm test\` again.`)
  console.log(`[setup] installing ${pkg} (${why})`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env })
}

function redisAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(REDIS_PORT, '127.0.0.1')
    socket.setTimeout(1000)
    socket.once('connect', () => socket.end('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

async function ensureRedis(): Promise<(() => void) | undefined> {
  if (await redisAnswers()) return undefined
  if (!has('redis-server')) aptInstall('redis-server', 'the Redis cache and channel tests')
  const started = spawnSync('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--pidfile', `${REPO}node_modules/.cache/mizan-redis.pid`], { stdio: 'inherit' })
  if (started.status !== 0) throw new Error('redis-server did not start')
  for (let i = 0; i < 50 && !(await redisAnswers()); i++) await new Promise((r) => setTimeout(r, 100))
  if (!(await redisAnswers())) throw new Error(`redis-server started but 127.0.0.1:${REDIS_PORT} does not answer`)
  console.log(`[setup] started redis-server on 127.0.0.1:${REDIS_PORT} for this run`)
  return () => {
    spawnSync('redis-cli', ['-p', String(REDIS_PORT), 'shutdown', 'nosave'], { stdio: 'ignore' })
  }
}

export default async function setup(): Promise<() => void> {
  execFileSync('bash', [`${REPO}test/interop/setup.sh`], { stdio: 'inherit' })
  if (!existsSync(CHROMIUM)) aptInstall('chromium', 'the browser tests (test/e2e, test/package)')
  const stopRedis = await ensureRedis()
  return () => stopRedis?.()
}
