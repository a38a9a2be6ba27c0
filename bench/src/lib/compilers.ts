/**
 * The TypeScript compilers the project supports (scripts/typescript-compilers.ts reads them from
 * package.json): the root package type-checks the repo with each (`npm run typecheck`), and the
 * type-check scenario measures the generated routers with each.
 * 5.9 and 6.0 are the JavaScript compiler run on node; 7.0 is the native one (a Go binary, which
 * checks files in parallel), run directly rather than through its node launcher.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { typescriptCompilers } from '../../../scripts/typescript-compilers.ts'

const require = createRequire(import.meta.url)

export interface Compiler {
  /** Short name used in labels: "TS 5.9". */
  name: string
  version: string
  /** argv before the compiler's own arguments. */
  command: string[]
  /** The native compiler (7.x): about three times faster here than the JavaScript one. */
  native: boolean
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`))
}

function versionOf(dir: string): string {
  return (JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { version: string }).version
}

function jsCompiler(pkg: string): Compiler {
  const dir = packageDir(pkg)
  const version = versionOf(dir)
  return { name: `TS ${version.split('.').slice(0, 2).join('.')}`, version, command: [process.execPath, `${dir}/lib/tsc.js`], native: false }
}

function nativeCompiler(pkg: string): Compiler {
  const version = versionOf(packageDir(pkg))
  // The launcher (bin/tsc) picks the same optional per-platform package.
  const platform = packageDir(`@typescript/typescript-${process.platform}-${process.arch}`)
  return { name: `TS ${version.split('.').slice(0, 2).join('.')}`, version, command: [`${platform}/lib/tsc`], native: true }
}

/**
 * Oldest first, as bench/package.json pins them (the root's test checks that they are the
 * root's list); `plans()` in the type-check scenario gives each its share of the run.
 */
export function supportedCompilers(): Compiler[] {
  return typescriptCompilers(fileURLToPath(new URL('../../package.json', import.meta.url))).map(({ name, version }) =>
    // From 7.0 on, the compiler is the native one.
    Number(version.split('.')[0]) >= 7 ? nativeCompiler(name) : jsCompiler(name),
  )
}
