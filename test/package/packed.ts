/**
 * The package as `npm pack` makes it, built once per source state and shared by every test
 * file (and process) that needs it. Packing runs in a staging copy of the repository, so the
 * prepack/postpack scripts never rewrite this checkout's package.json while other tests read it.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))
const CACHE = join(REPO, 'node_modules/.cache/mizan-pack')
const INPUTS = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'scripts', 'src']

function* filesUnder(path: string): Generator<string> {
  if (!statSync(path).isDirectory()) return yield path
  for (const name of readdirSync(path).sort()) yield* filesUnder(join(path, name))
}

function sourceHash(): string {
  const hash = createHash('sha256')
  for (const input of INPUTS) for (const file of filesUnder(join(REPO, input))) hash.update(file).update(readFileSync(file))
  return hash.digest('hex').slice(0, 16)
}

function sleep(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Path of the tarball for the current sources, packing it first when no process has yet. */
export function packedTarball(): string {
  mkdirSync(CACHE, { recursive: true })
  const tarball = join(CACHE, `mizan-ts-${sourceHash()}.tgz`)
  const lock = `${tarball}.lock`
  for (;;) {
    if (existsSync(tarball)) return tarball
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another test process is packing; a lock older than five minutes is a dead one.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true })
      sleep(250)
    }
  }
  try {
    if (existsSync(tarball)) return tarball
    const stage = mkdtempSync(join(tmpdir(), 'mizan-pack-'))
    for (const input of INPUTS) cpSync(join(REPO, input), join(stage, input), { recursive: true })
    symlinkSync(join(REPO, 'node_modules'), join(stage, 'node_modules'))
    let out: string
    try {
      out = execFileSync('npm', ['pack', '--json', '--pack-destination', stage], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string }
      throw new Error(`npm pack failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`)
    }
    const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as [{ filename: string }]
    renameSync(join(stage, filename), tarball)
    rmSync(stage, { recursive: true, force: true })
    return tarball
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/** The tarball unpacked as node_modules/mizan-ts of an app (what `npm install` would place there). */
export function unpackInto(app: string): string {
  const target = join(app, 'node_modules/mizan-ts')
  rmSync(target, { recursive: true, force: true })
  mkdirSync(target, { recursive: true })
  execFileSync('tar', ['-xzf', packedTarball(), '-C', target, '--strip-components=1'])
  return target
}
