/**
 * The package as an app gets it: the tarball `npm pack` builds (prepack runs the build),
 * unpacked as node_modules/mizan-ts with no src/ beside it, and an app's
 * router and React client (test/fixtures/consumer) type-checked against them by each TypeScript
 * the project supports. Catches a declaration that does not emit, an entry point whose `types`
 * file is missing, and a public type that only holds under one compiler.
 */
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { installedVersion, typescriptPackages } from '../../scripts/typescript-compilers.ts'
import { unpackInto } from './packed.ts'

const run = promisify(execFile)
const REPO = fileURLToPath(new URL('../../', import.meta.url))
const FIXTURE = `${REPO}test/fixtures/consumer/`
// Under the repo's node_modules, so the app resolves zod, react and the rest from there.
const APP = `${REPO}node_modules/.cache/mizan-consumer/`
const COMPILERS = typescriptPackages(`${REPO}package.json`).map((name) => [installedVersion(`${REPO}node_modules`, name), name] as const)

interface Outcome {
  code: number
  output: string
}

async function tsc(compiler: string, args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [`${REPO}node_modules/${compiler}/bin/tsc`, ...args], { cwd: APP, maxBuffer: 1 << 24 })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

beforeAll(async () => {
  rmSync(APP, { recursive: true, force: true })
  mkdirSync(APP, { recursive: true })
  // The app's own package scope: without it the repo's package.json is the nearest, and
  // `mizan-ts/...` would resolve to the repo itself (a package may import itself by name).
  writeFileSync(`${APP}package.json`, JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }))
  for (const file of ['router.ts', 'client.tsx', 'broken.ts', 'tsconfig.json']) copyFileSync(`${FIXTURE}${file}`, `${APP}${file}`)
  unpackInto(APP)
  writeFileSync(`${APP}tsconfig.broken.json`, JSON.stringify({ extends: './tsconfig.json', compilerOptions: { skipLibCheck: true }, files: ['broken.ts'] }))
}, 60_000)

describe('the published declaration files', () => {
  it("exist for every entry point of the packed manifest, beside the entry's JavaScript", () => {
    const pkg = join(APP, 'node_modules/mizan-ts')
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> }
    const missing = Object.entries(manifest.exports).flatMap(([name, target]) =>
      [target['types'], target['default']].filter((file) => file === undefined || !existsSync(join(pkg, file))).map((file) => `${name}: ${file}`),
    )
    expect(missing).toEqual([])
  })

  for (const [version, compiler] of COMPILERS) {
    it(`type-check an app's router and React client with TypeScript ${version}`, async () => {
      const checked = await tsc(compiler, ['-p', 'tsconfig.json'])
      expect(checked.output).toBe('')
      expect(checked.code).toBe(0)
    }, 120_000)

    it(`report an app's type error with TypeScript ${version}`, async () => {
      const checked = await tsc(compiler, ['-p', 'tsconfig.broken.json'])
      expect(checked.code).not.toBe(0)
      expect(checked.output).toMatch(/broken\.ts.*error TS(2339|2551): Property 'toFixed' does not exist on type 'string'/)
    }, 120_000)
  }
})
