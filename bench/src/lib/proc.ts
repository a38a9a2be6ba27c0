import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Job } from '../loadgen/jobs.ts'

const SERVE = fileURLToPath(new URL('../servers/serve.ts', import.meta.url))
const LOADGEN = fileURLToPath(new URL('../loadgen/worker.ts', import.meta.url))
const CLK_TCK = 100

export interface ServerProc {
  name: string
  port: number
  pid: number
  notes: Record<string, unknown>
  child: ChildProcess
  memory(): Promise<{ rss: number; heapUsed: number; external: number; arrayBuffers: number }>
  stop(): Promise<void>
}

function waitReady(child: ChildProcess, what: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs} ms`)), timeoutMs)
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready`)))
    child.on('message', function onMessage(msg: Record<string, unknown>) {
      if (msg['ready']) {
        clearTimeout(timer)
        child.off('message', onMessage)
        resolve(msg)
      }
    })
  })
}

let nextId = 1
function ask<T>(child: ChildProcess, payload: Record<string, unknown>, timeoutMs: number): Promise<T> {
  const id = nextId++
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage)
      reject(new Error(`no answer in ${timeoutMs} ms to ${JSON.stringify(payload).slice(0, 80)}`))
    }, timeoutMs)
    function onMessage(msg: { id?: number; result?: T; error?: string; memory?: T }) {
      if (msg.id !== id) return
      clearTimeout(timer)
      child.off('message', onMessage)
      if (msg.error) reject(new Error(msg.error))
      else resolve((msg.result ?? msg.memory) as T)
    }
    child.on('message', onMessage)
    child.send({ id, ...payload })
  })
}

/** Node flags every server runs with: TS through tsx (load time only), GC exposed for memory readings. */
function serverExecArgv(profileDir?: string): string[] {
  const flags = ['--import', 'tsx', '--expose-gc']
  if (profileDir) flags.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`)
  return flags
}

export async function startServer(name: string, kind: string, args: string[] = [], profileDir?: string): Promise<ServerProc> {
  const child = fork(SERVE, [kind, ...args], {
    execArgv: serverExecArgv(profileDir),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  return serverProc(name, child)
}

/** A forked `serve.ts` (however it was started) once it says it is ready. */
export async function serverProc(name: string, child: ChildProcess, readyTimeoutMs?: number): Promise<ServerProc> {
  const ready = await waitReady(child, `server ${name}`, readyTimeoutMs)
  return {
    name,
    port: ready['port'] as number,
    pid: ready['pid'] as number,
    notes: (ready['notes'] as Record<string, unknown>) ?? {},
    child,
    memory: () => ask(child, { cmd: 'mem' }, 20_000),
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      child.send({ cmd: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

export interface LoadGen {
  pid: number
  run<T>(job: Job, timeoutMs: number): Promise<T>
  stop(): Promise<void>
}

export async function startLoadGen(): Promise<LoadGen> {
  const child = fork(LOADGEN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } })
  await waitReady(child, 'load generator')
  return {
    pid: child.pid!,
    run: (job, timeoutMs) => ask(child, { job }, timeoutMs),
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** User+system CPU seconds a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
  } catch {
    return NaN
  }
}

/** CPU seconds the whole machine has spent busy (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    return (user + nice + system + irq + softirq + steal) / CLK_TCK
  } catch {
    return NaN
  }
}

/**
 * Run `work`, reporting the share of one core that each pid used meanwhile, and `background`:
 * cores' worth of CPU that other processes on the machine used during the run (0 on a quiet
 * machine). A shared machine makes absolute numbers move; the interleaved ratios less so.
 */
export async function withCpu<T>(pids: number[], work: () => Promise<T>): Promise<{ value: T; cpu: number[]; background: number }> {
  const before = pids.map(cpuSeconds)
  const busy0 = machineBusySeconds()
  const t0 = performance.now()
  const value = await work()
  const seconds = (performance.now() - t0) / 1000
  const cpu = pids.map((pid, i) => (cpuSeconds(pid) - before[i]!) / seconds)
  const background = Math.max(0, (machineBusySeconds() - busy0) / seconds - cpu.reduce((a, b) => a + b, 0))
  return { value, cpu, background }
}
