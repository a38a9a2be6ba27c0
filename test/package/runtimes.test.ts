/**
 * The packed package on every runtime it claims: `npm install <tarball>` into an app of plain
 * JavaScript (test/package/runtime-app), then the same router served by Node 20 with no loader
 * (node adapter), Bun and Deno (fetch adapter, each through its own server), and workerd through
 * miniflare (fetch adapter, bundled as wrangler bundles a Worker). Each passes the same protocol
 * smoke test: session, call, ctx, invalidate, error envelope. The optional peers (ioredis, ws,
 * react, …) are not installed: the server must start without them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packedTarball, REPO } from './packed.ts'

const BIN = join(REPO, 'node_modules/.bin')
let app = ''
const table: { runtime: string; version: string; passed: string }[] = []

beforeAll(() => {
  const tarball = packedTarball()
  app = mkdtempSync(join(tmpdir(), 'mizan-runtimes-'))
  cpSync(join(REPO, 'test/package/runtime-app'), app, { recursive: true })
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'runtime-app', private: true, type: 'module', dependencies: { 'mizan-ts': `file:${tarball}` } }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, stdio: 'pipe' })
}, 240_000)

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true })
  const lines = ['| runtime | version | passed |', '| --- | --- | --- |', ...table.map((row) => `| ${row.runtime} | ${row.version} | ${row.passed} |`)]
  const text = `runtime matrix (packed mizan-ts, protocol smoke test)\n${lines.join('\n')}\n`
  writeFileSync(join(REPO, 'node_modules/.cache/mizan-runtime-matrix.md'), text)
  console.log(text)
})

/** Spawn a server that prints `listening <url>`; resolve with the URL and the process. */
function start(command: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } })
    let output = ''
    const timer = setTimeout(() => fail(new Error('no `listening` line within 30 s')), 30_000)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill()
      reject(new Error(`${error.message}\n--- ${command} output ---\n${output}`))
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ url: match[1]!, child })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', fail)
    child.once('exit', (code) => fail(new Error(`exited early with code ${code}`)))
  })
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>
}

/** The protocol smoke test, against a server at `base` that reports itself as `runtime`. */
async function smoke(base: string, runtime: string): Promise<void> {
  const api = `${base}/api/mizan`
  const post = (fn: string, args: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api}/call/`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ fn, args }) })

  // CSRF is on by default: a call without the cookie is refused in the error envelope.
  const refused = await post('add', { a: 2, b: 3 })
  expect(refused.status).toBe(403)
  expect(await json(refused)).toEqual({ error: true, code: 'FORBIDDEN', message: 'CSRF verification failed: CSRF cookie not set' })

  // session: the CSRF secret as a cookie, and a masked token of it in the body (as Django does).
  const session = await fetch(`${api}/session/`)
  expect(session.status).toBe(200)
  const { csrfToken } = (await json(session)) as { csrfToken: string }
  const cookie = /csrftoken=([A-Za-z0-9]+)/.exec(session.headers.get('set-cookie') ?? '')?.[1]
  expect(cookie).toMatch(/^[A-Za-z0-9]{32}$/)
  expect(csrfToken).toMatch(/^[A-Za-z0-9]{64}$/)
  const csrf = { Cookie: `csrftoken=${cookie}`, 'X-CSRFToken': csrfToken }

  // call
  expect(await json(await post('add', { a: 2, b: 3 }, csrf))).toEqual({ result: { sum: 5 } })
  expect(await json(await post('runtime', {}, csrf))).toEqual({ result: { name: runtime } })

  // ctx: the bundle, then served again (from the context cache: keys are HMACs).
  const bundle = () => fetch(`${api}/ctx/notes/?note_id=1`).then(json)
  expect(await bundle()).toEqual({ note_title: { title: 'first' } })
  expect(await bundle()).toEqual({ note_title: { title: 'first' } })

  // invalidate: the mutation names the context, and the next read is fresh, not the cached bundle.
  const renamed = await post('rename_note', { note_id: 1, title: 'renamed' }, csrf)
  expect(renamed.status).toBe(200)
  const body = await json(renamed)
  expect(body['result']).toEqual({ ok: true })
  expect(JSON.stringify(body['invalidate'])).toContain('notes')
  expect(renamed.headers.get('x-mizan-invalidate')).toContain('notes')
  expect(await bundle()).toEqual({ note_title: { title: 'renamed' } })

  // error envelope: the user's exception text never reaches the client; bad input and unknown names are typed.
  const exploded = await post('explode', {}, csrf)
  expect(exploded.status).toBe(500)
  const explodedText = await exploded.text()
  expect(JSON.parse(explodedText)).toMatchObject({ error: true, code: 'INTERNAL_ERROR' })
  expect(explodedText).not.toContain('hunter2')
  const invalid = await post('add', { a: 'x', b: 1 }, csrf)
  expect(invalid.status).toBe(422)
  expect(await json(invalid)).toMatchObject({ error: true, code: 'VALIDATION_ERROR' })
  const camel = await post('renameNote', {}, csrf)
  expect(camel.status).toBe(404)
  expect(await json(camel)).toMatchObject({ error: true, code: 'NOT_FOUND' })
  expect((await fetch(`${api}/ctx/missing/`)).status).toBe(404)
}

async function served(runtime: string, version: string, command: string, args: string[]): Promise<void> {
  const row = { runtime, version, passed: 'no' }
  table.push(row)
  const { url, child } = await start(command, args)
  try {
    await smoke(url, runtime)
    row.passed = 'yes'
  } finally {
    child.kill()
  }
}

describe('the packed package on each runtime', () => {
  it('Node, plain (no loader), node adapter', async () => {
    await served('node', process.version, process.execPath, ['serve.mjs'])
  }, 60_000)

  it('Bun, fetch adapter on Bun.serve', async () => {
    const version = execFileSync(join(BIN, 'bun'), ['--version'], { encoding: 'utf8' }).trim()
    await served('bun', version, join(BIN, 'bun'), ['serve.mjs'])
  }, 60_000)

  it('Deno, fetch adapter on Deno.serve', async () => {
    const version = execFileSync(join(BIN, 'deno'), ['--version'], { encoding: 'utf8' }).split(' ')[1]!
    await served('deno', version, join(BIN, 'deno'), ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', 'serve.mjs'])
  }, 60_000)

  it('workerd through miniflare, fetch adapter as a Worker bundle', async () => {
    const { build } = await import('esbuild')
    const bundled = await build({
      entryPoints: [join(app, 'worker.mjs')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    })
    const script = bundled.outputFiles[0]!.text
    // No Node built-in may reach a Worker without nodejs_compat.
    expect(script).not.toMatch(/from\s*["']node:/)
    const { Miniflare } = await import('miniflare')
    const version = (JSON.parse(readFileSync(join(REPO, 'node_modules/workerd/package.json'), 'utf8')) as { version: string }).version
    const row = { runtime: 'workerd (miniflare)', version, passed: 'no' }
    table.push(row)
    // The module listed as wrangler hands it to workerd: miniflare's own scan of `script` refuses
    // the computed import() by which the server loads mizan-ts/cache/redis only when asked to.
    const mf = new Miniflare({ modules: [{ type: 'ESModule', path: 'worker.mjs', contents: script }], compatibilityDate: '2025-07-01', host: '127.0.0.1', port: 0 })
    try {
      const url = (await mf.ready).toString().replace(/\/$/, '')
      await smoke(url, 'workerd')
      row.passed = 'yes'
    } finally {
      await mf.dispose()
    }
  }, 90_000)
})
