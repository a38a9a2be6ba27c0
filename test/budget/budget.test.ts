/**
 * Cheap, deterministic CI budgets (issue #8): the client bundle (gzip) and the type count of a
 * generated 1,000-function router with a client must not grow past budgets.json. Uses the
 * root's esbuild and TypeScript only (no bench/node_modules). After an intended change, rerun
 * with UPDATE_BUDGETS=1 to rewrite the thresholds (measured value + headroom) and commit them.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { bundle } from '../../bench/src/gen/bundle.ts'
import { clientSource, routerSource, TSCONFIG } from '../../bench/src/gen/routers.ts'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '../..')
const budgetsFile = join(here, 'budgets.json')

interface Budgets {
  headroom: number
  clientAppGzipBytes: number
  clientLibraryGzipBytes: number
  router1000Types: number
  measured: Record<string, number>
}

const budgets = JSON.parse(readFileSync(budgetsFile, 'utf8')) as Budgets
const update = process.env['UPDATE_BUDGETS'] === '1'
const measured: Record<string, number> = {}

function record(key: 'clientAppGzipBytes' | 'clientLibraryGzipBytes' | 'router1000Types', value: number) {
  measured[key] = value
  if (update) {
    budgets[key] = Math.ceil(value * (1 + budgets.headroom))
    budgets.measured = { ...budgets.measured, [key]: value }
    writeFileSync(budgetsFile, JSON.stringify(budgets, null, 2) + '\n')
  }
}

/** Types created while checking an in-memory router + client, placed inside the repo so `zod` and src/ resolve as usual. */
function countTypes(n: number): { types: number; instantiations: number; errors: string[] } {
  // Virtual files in this (real) folder: nothing is written, yet `zod` and src/ resolve as for any file here.
  const dir = here
  const srcRoot = join(root, 'src').split('\\').join('/')
  const files = new Map([
    [join(dir, 'router.ts'), routerSource('mizan', n, srcRoot)],
    [join(dir, 'client.ts'), clientSource('mizan', n, srcRoot)],
  ])
  const { options, errors } = ts.convertCompilerOptionsFromJson(TSCONFIG.compilerOptions, dir)
  if (errors.length) throw new Error(ts.flattenDiagnosticMessageText(errors[0]!.messageText, '\n'))
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f)
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f)
  host.getSourceFile = (f, lang, ...rest) => {
    const text = files.get(f)
    return text !== undefined ? ts.createSourceFile(f, text, lang) : getSourceFile.call(host, f, lang, ...rest)
  }
  const program = ts.createProgram([...files.keys()], options, host)
  const diagnostics = ts.getPreEmitDiagnostics(program)
  return {
    types: program.getTypeCount(),
    instantiations: program.getInstantiationCount(),
    // Only the generated files are judged here; src/ has its own type-check (npm run typecheck).
    errors: diagnostics.filter((d) => d.file && files.has(d.file.fileName)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  }
}

describe('budgets', () => {
  it('client bundle (gzip): the bench app on createMizanReact', async () => {
    const { gzip } = await bundle(build as never, join(root, 'bench/src/apps/mizan-app.tsx'))
    record('clientAppGzipBytes', gzip)
    expect(gzip, `app bundle is ${gzip} B gzip; budget ${budgets.clientAppGzipBytes} B`).toBeLessThanOrEqual(budgets.clientAppGzipBytes)
  })

  it('client bundle (gzip): kernel + React layer, whole surface', async () => {
    const { gzip } = await bundle(build as never, join(root, 'bench/src/apps/mizan-lib.ts'))
    record('clientLibraryGzipBytes', gzip)
    expect(gzip, `library bundle is ${gzip} B gzip; budget ${budgets.clientLibraryGzipBytes} B`).toBeLessThanOrEqual(budgets.clientLibraryGzipBytes)
  })

  it('type count of a 1,000-function router with a client', () => {
    const { types, errors } = countTypes(1000)
    expect(errors).toEqual([])
    record('router1000Types', types)
    expect(types, `${types} types; budget ${budgets.router1000Types}`).toBeLessThanOrEqual(budgets.router1000Types)
  }, 60_000)
})
