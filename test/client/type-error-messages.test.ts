/**
 * The branded type errors read as the fix, under every supported compiler (issue #31): each
 * line of test/fixtures/type-errors/cases.ts marked `// error: <text>` must be reported by each
 * compiler, on that line, with that text in the message; and no other line may fail.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { installedVersion, typescriptPackages } from '../../scripts/typescript-compilers.ts'

const run = promisify(execFile)
const REPO = fileURLToPath(new URL('../../', import.meta.url))
const DIR = `${REPO}test/fixtures/type-errors/`
const COMPILERS = typescriptPackages(`${REPO}package.json`).map((name) => [installedVersion(`${REPO}node_modules`, name), name] as const)

const expected = readFileSync(`${DIR}cases.ts`, 'utf8')
  .split('\n')
  .map((line, index) => ({ line: index + 1, text: /\/\/ error: (.*)$/.exec(line)?.[1] }))
  .filter((entry): entry is { line: number; text: string } => entry.text !== undefined)

async function diagnostics(compiler: string): Promise<string> {
  try {
    await run(process.execPath, [`${REPO}node_modules/${compiler}/bin/tsc`, '-p', `${DIR}tsconfig.json`, '--noEmit', '--pretty', 'false'], { maxBuffer: 1 << 24 })
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? '')
  }
}

describe('type errors that name the fix', () => {
  for (const [version, compiler] of COMPILERS) {
    it(`TypeScript ${version}`, async () => {
      const output = await diagnostics(compiler)
      // One diagnostic per `file(line,col): error …` line, with its elaboration lines after it.
      const reports = output.split(/\n(?=\S)/).filter((report) => /cases\.ts\(\d+,\d+\): error/.test(report))
      const lines = reports.map((report) => Number(/cases\.ts\((\d+),/.exec(report)?.[1]))
      expect([...new Set(lines)].sort((a, b) => a - b)).toEqual(expected.map((entry) => entry.line))
      for (const { line, text } of expected) {
        const messages = reports.filter((report) => report.includes(`cases.ts(${line},`)).join('\n')
        expect(messages, `line ${line}`).toContain(text)
      }
    }, 180_000)
  }
})
