/**
 * `mizan pull --watch`: a Python function's signature changes, the pulled contract follows, and a
 * TypeScript call site that no longer fits stops type-checking. The Django fixture project is
 * copied so the test can edit it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../e2e/fullstack-harness.ts'
import { PYTHON_DIR } from '../python-venv.ts'
import { cliCommand, pullConfig } from './pull-harness.ts'

mkdirSync(join(repoRoot, '.tmp'), { recursive: true })
const dir = mkdtempSync(join(repoRoot, '.tmp', 'pull-watch-'))
const backendDir = join(dir, 'backend')
cpSync(PYTHON_DIR, backendDir, { recursive: true })
writeFileSync(join(dir, 'mizan.config.mjs'), pullConfig(join(backendDir, 'manage.py'), 'src/api'))
const callSite = join(dir, 'src/call-site.ts')
mkdirSync(join(dir, 'src'), { recursive: true })
writeFileSync(callSite, "import { mizan } from './api/client'\n\nexport function useGreeting() {\n  const echo = mizan.useEcho()\n  return () => echo.mutate({ text: 'hi' })\n}\n")

let watcher: ChildProcess | undefined
let log = ''
afterAll(() => {
  watcher?.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

function pulls(): number {
  return (log.match(/^pulled /gm) ?? []).length
}

async function nextPull(after: number, timeoutMs = 40_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (pulls() <= after) {
    if (Date.now() > deadline) throw new Error(`no pull within ${timeoutMs} ms:\n${log}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return log.split('\n').filter((l) => l.startsWith('pulled '))[after]!
}

function typeErrors(): string[] {
  const program = ts.createProgram([callSite], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    jsx: ts.JsxEmit.ReactJSX,
    allowImportingTsExtensions: true,
    types: [],
  })
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === callSite)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

describe('mizan pull --watch', () => {
  it('follows a changed Python signature, and the call site that no longer fits fails to type-check', async () => {
    watcher = spawn(...cliCommand(['pull', '--watch']), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    watcher.stderr!.on('data', (d: Buffer) => (log += d.toString()))
    expect(await nextPull(0)).toMatch(/wrote .*contract\.ts/)
    expect(typeErrors()).toEqual([])

    const clients = join(backendDir, 'fixture_app/clients.py')
    const source = readFileSync(clients, 'utf8')
    const changed = source.replace('def echo(request: HttpRequest, text: str) -> EchoOutput:\n    return EchoOutput(message=text)', 'def echo(request: HttpRequest, message: str) -> EchoOutput:\n    return EchoOutput(message=message)')
    expect(changed).not.toBe(source)
    writeFileSync(clients, changed)

    expect(await nextPull(1)).toMatch(/wrote .*contract\.ts/)
    expect(readFileSync(join(dir, 'src/api/contract.ts'), 'utf8')).toMatch(/echoInput = z\.object\(\{\s*message: z\.string\(\),\s*\}\)/)
    const errors = typeErrors()
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.join('\n')).toMatch(/'text' does not exist/)
  }, 120_000)
})
