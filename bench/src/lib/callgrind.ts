/**
 * Servers run under valgrind's callgrind, which counts the instructions the server's main thread
 * executes between two points. A timing on a shared VM moves by ±20 % from one round to the next;
 * the count repeats to a fraction of a percent, so the ratio of two counts shows the work per
 * request without the noise. It leaves out what the kernel does (the socket system calls) and
 * V8's background threads (the optimizing compiler, concurrent GC), so it is a companion to the
 * req/s rows, not a replacement.
 */
import { execFile, execFileSync, fork } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { cpuSeconds, serverProc, type ServerProc } from './proc.ts'

const SERVE = fileURLToPath(new URL('../servers/serve.ts', import.meta.url))
const BENCH_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url))
const run = promisify(execFile)

export interface CountedServer extends ServerProc {
  /** Forget what was counted so far. */
  zero(): Promise<void>
  /** Instructions the main thread executed since the last `zero()`, once the server is idle again. */
  instructions(): Promise<number>
}

export function hasValgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Wait until the process stops using CPU (it has answered everything it was sent). */
async function idle(pid: number, maxMs = 20_000): Promise<void> {
  const until = Date.now() + maxMs
  let last = cpuSeconds(pid)
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250))
    const now = cpuSeconds(pid)
    if (now - last <= 0.02) return
    last = now
  }
}

export class Callgrind {
  private constructor(
    private readonly dir: string,
    private readonly script: string,
  ) {}

  /**
   * The server entry bundled into one file first: under valgrind, loading TypeScript through tsx
   * takes ~25 s a server, the bundle ~7 s. esbuild emits the same JavaScript tsx would run.
   */
  static async prepare(): Promise<Callgrind> {
    const dir = mkdtempSync(join(tmpdir(), 'mizan-bench-callgrind-'))
    const script = join(dir, 'serve.mjs')
    await build({
      entryPoints: [SERVE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'error',
      // ws's optional native helpers cannot be bundled; `start` lets the bundle find them (see there).
      external: ['bufferutil', 'utf-8-validate'],
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    })
    return new Callgrind(dir, script)
  }

  async start(name: string, kind: string, args: string[] = []): Promise<CountedServer> {
    const child = fork(this.script, [kind, ...args], {
      execPath: 'valgrind',
      execArgv: ['-q', '--tool=callgrind', '--smc-check=all-non-file', '--separate-threads=yes', `--callgrind-out-file=${join(this.dir, 'cg.%p')}`, process.execPath, '--expose-gc'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // The bundle lives in a temporary folder, from where ws's require('bufferutil') would find
      // nothing and fall back to masking in JavaScript; the timed servers find it beside their ws.
      env: { ...process.env, NODE_ENV: 'production', NODE_PATH: BENCH_MODULES },
    })
    const server = await serverProc(name, child, 120_000)
    const dir = this.dir
    return {
      ...server,
      async zero() {
        await idle(server.pid)
        await run('callgrind_control', ['-z', String(server.pid)])
      },
      async instructions() {
        await idle(server.pid)
        await run('callgrind_control', ['-d', String(server.pid)])
        // One file per dump and thread: cg.<pid>.<dump>-<thread>; thread 01 is node's main thread.
        const dumps = readdirSync(dir)
          .map((f) => /^cg\.(\d+)\.(\d+)-01$/.exec(f))
          .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) === server.pid)
          .sort((a, b) => Number(b[2]) - Number(a[2]))
        const latest = dumps[0]
        if (!latest) throw new Error(`${name}: callgrind wrote no dump`)
        const summary = /^summary: (\d+)$/m.exec(readFileSync(join(dir, latest[0]), 'utf8'))
        if (!summary) throw new Error(`${name}: no summary line in ${latest[0]}`)
        return Number(summary[1])
      },
      async stop() {
        child.kill('SIGKILL')
      },
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}
