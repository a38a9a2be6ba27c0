import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const VENV_PYTHON = fileURLToPath(new URL('./.venv/bin/python', import.meta.url))
export const PYTHON_DIR = fileURLToPath(new URL('./python/', import.meta.url))

/** The interop venv is part of the test setup (CI runs test/interop/setup.sh); its absence is a failure, not a skip. */
export function requireVenv(): string {
  if (!existsSync(VENV_PYTHON)) throw new Error(`missing ${VENV_PYTHON}: run \`bash test/interop/setup.sh\` first`)
  return VENV_PYTHON
}

export function runPython(script: string, args: string[], stdin = '', timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(requireVenv(), [PYTHON_DIR + script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${script} exited ${code}: ${err.slice(-2000)}`))
    })
    child.stdin.end(stdin)
  })
}
