/** The `mizan pull` CLI run as a user runs it, and a config pointing it at a Django project. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../e2e/fullstack-harness.ts'
import { requireVenv } from '../python-venv.ts'

/** The command line of the real CLI, as `npx mizan` runs it, from source. */
export function cliCommand(args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/mizan.ts'), ...args]]
}

/** Run the CLI to its end. */
export function runCli(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(...cliCommand(args), { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }))
  })
}

export function pullConfig(manage: string, output: string): string {
  return `export default {
  source: { django: { manage: ${JSON.stringify(manage)}, python: ${JSON.stringify(requireVenv())} } },
  output: ${JSON.stringify(output)},
  dialect: 'izana',
  runtime: ${JSON.stringify(join(repoRoot, 'src/server/contract.ts'))},
  react: ${JSON.stringify(join(repoRoot, 'src/client/react/index.ts'))},
}
`
}

