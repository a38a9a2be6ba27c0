/**
 * A stranger's app from the packed package: examples/minimal (one server file, one React file)
 * in a folder of its own with mizan-ts unpacked from the tarball as node_modules/mizan-ts (react,
 * zod, vite and TypeScript come from this repository's node_modules above it). Its page is
 * type-checked with `bundler` resolution and its server compiled with `nodenext`, by TypeScript
 * 5.9 and 7; the page is built by Vite; the compiled server runs on plain `node`; and Chromium
 * loads the page, sees the server's data and adds a todo through the React client (session,
 * CSRF, call, invalidation, refetch).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../e2e/fullstack-harness.ts'
import { REPO, unpackInto } from './packed.ts'

const run = promisify(execFile)
const APP = join(REPO, 'node_modules/.cache/mizan-consumer-app')
const COMPILERS = [
  ['TypeScript 5.9', 'typescript'],
  ['TypeScript 7', 'typescript-7'],
] as const

let server: ChildProcess | undefined
let browser: Browser | undefined

async function tsc(compiler: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(REPO, 'node_modules', compiler, 'bin/tsc'), ...args], { cwd: APP, maxBuffer: 1 << 24 })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

beforeAll(() => {
  rmSync(APP, { recursive: true, force: true })
  mkdirSync(APP, { recursive: true })
  for (const file of readdirSync(join(REPO, 'examples/minimal'))) {
    if (!['package.json', 'dist', 'build', 'node_modules'].includes(file)) cpSync(join(REPO, 'examples/minimal', file), join(APP, file), { recursive: true })
  }
  // The app's own package scope: without it `mizan-ts/...` could resolve to this repository itself.
  writeFileSync(join(APP, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }))
  unpackInto(APP)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  server?.kill()
})

describe('an app built on the packed package', () => {
  for (const [label, compiler] of COMPILERS) {
    it(`type-checks its page (bundler) with ${label}`, async () => {
      const checked = await tsc(compiler, ['-p', 'tsconfig.json'])
      expect(checked.output).toBe('')
      expect(checked.code).toBe(0)
    }, 120_000)

    it(`compiles its server (nodenext) with ${label}`, async () => {
      const compiled = await tsc(compiler, ['-p', 'tsconfig.server.json', '--outDir', `build-${compiler}`])
      expect(compiled.output).toBe('')
      expect(compiled.code).toBe(0)
      expect(existsSync(join(APP, `build-${compiler}/server.js`))).toBe(true)
    }, 120_000)
  }

  it('builds its page with Vite', async () => {
    // NODE_ENV as a user's shell has it, not vitest's `test` (which would make Vite bundle React's development build).
    await run(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: APP, env: { ...process.env, NODE_ENV: 'production' } })
    expect(existsSync(join(APP, 'dist/index.html'))).toBe(true)
  }, 120_000)

  it('serves it from plain node, and Chromium shows the data and adds a todo', async () => {
    const child = spawn(process.execPath, ['build-typescript/server.js'], { cwd: APP, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
    server = child
    let output = ''
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${output}`)), 20_000)
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening (http:\/\/\S+)/.exec(output)
        if (match) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      })
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
    })
    browser = await launchChromium()
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(url)
    await page.getByText('Read the README').waitFor({ timeout: 15_000 })
    await page.getByPlaceholder('New todo').fill('Ship the package')
    await page.getByRole('button', { name: 'Add' }).click()
    // Shown only after the call succeeded and the invalidated `global` bundle was fetched again.
    await page.getByText('Ship the package').waitFor({ timeout: 15_000 })
    expect(await page.locator('li').allTextContents()).toEqual(['Read the README', 'Ship the package'])
    expect(await page.getByRole('alert').count()).toBe(0)
    expect(errors).toEqual([])
  }, 90_000)
})
