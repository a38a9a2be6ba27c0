/**
 * Processes of the soak: the server (src/soak/server.ts) and the load generator
 * (src/soak/loadgen.ts), each forked with an IPC channel as bench/src/lib/proc.ts forks the
 * benchmark's (whose fork helpers are private to it and fixed to serve.ts/worker.ts). Every IPC
 * request has a timeout; a child that does not stop is killed. Plus the server's RSS from /proc,
 * sampled every second without touching the process.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { SoakJob } from './jobs.ts'

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url))
const LOADGEN = fileURLToPath(new URL('./loadgen.ts', import.meta.url))

function waitReady(child: ChildProcess, what: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs} ms`)), timeoutMs)
    const onExit = (code: number | null) => reject(new Error(`${what} exited with ${code} before it was ready`))
    child.once('exit', onExit)
    child.on('message', function onMessage(msg: Record<string, unknown>) {
      if (msg['ready']) {
        clearTimeout(timer)
        child.off('message', onMessage)
        child.off('exit', onExit)
        resolve(msg)
      }
    })
  })
}

let nextId = 1
function ask<T>(child: ChildProcess, payload: Record<string, unknown>, timeoutMs: number): Promise<T> {
  const id = nextId++
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => done(new Error(`process exited (${code}) while answering ${JSON.stringify(payload).slice(0, 80)}`))
    const timer = setTimeout(() => done(new Error(`no answer in ${timeoutMs} ms to ${JSON.stringify(payload).slice(0, 80)}`)), timeoutMs)
    function done(error: Error | null, value?: T) {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      if (error) reject(error)
      else resolve(value as T)
    }
    function onMessage(msg: { id?: number; result?: T; error?: string }) {
      if (msg.id !== id) return
      if (msg.error) done(new Error(msg.error))
      else done(null, msg.result as T)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
    child.send({ id, ...payload })
  })
}

async function stopChild(child: ChildProcess, how: () => void, killAfterMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  try {
    how()
  } catch {
    child.kill('SIGKILL')
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
  await exited
  clearTimeout(timer)
}

export interface Memory {
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

export interface HeapNow {
  rss: number
  heapTotal: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

export interface ServerStats {
  cacheEvents: { at: number; message: string }[]
  errors: number
  errorSamples: string[]
  renames: number
  sockets: number
}

export interface SoakServer {
  port: number
  pid: number
  memory(): Promise<Memory>
  /** process.memoryUsage() as it is (no GC forced). */
  heap(): Promise<HeapNow>
  stats(): Promise<ServerStats>
  stop(): Promise<void>
}

export async function startSoakServer(args: string[]): Promise<SoakServer> {
  const child = fork(SERVER, args, {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  const ready = await waitReady(child, 'soak server')
  return {
    port: ready['port'] as number,
    pid: ready['pid'] as number,
    memory: () => ask(child, { cmd: 'mem' }, 20_000),
    heap: () => ask(child, { cmd: 'heap' }, 5_000),
    stats: () => ask(child, { cmd: 'stats' }, 10_000),
    stop: () => stopChild(child, () => child.send({ cmd: 'stop' }), 6000),
  }
}

export interface SoakLoadGen {
  pid: number
  run<T>(job: SoakJob, timeoutMs: number): Promise<T>
  stop(): Promise<void>
}

export async function startSoakLoadGen(): Promise<SoakLoadGen> {
  const child = fork(LOADGEN, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } })
  await waitReady(child, 'soak load generator')
  return {
    pid: child.pid!,
    run: (job, timeoutMs) => ask(child, { job }, timeoutMs),
    stop: () => stopChild(child, () => child.disconnect(), 5000),
  }
}

/** Resident set size of a process in bytes, from /proc (Linux); NaN once it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : NaN
  } catch {
    return NaN
  }
}

export interface MemorySample {
  atMs: number
  /** From /proc, every second. */
  rss: number
  /** From the process over IPC (no GC forced), when it answered in time. */
  heapTotal?: number
  heapUsed?: number
  external?: number
}

/** The server's RSS once a second from /proc, with its V8 heap as it is (on `stop()`, the samples). */
export function sampleMemory(server: Pick<SoakServer, 'pid' | 'heap'>, everyMs = 1000): { stop(): MemorySample[] } {
  const t0 = Date.now()
  const samples: MemorySample[] = []
  const timer = setInterval(() => {
    const sample: MemorySample = { atMs: Date.now() - t0, rss: rssOf(server.pid) }
    samples.push(sample)
    server.heap().then(
      (h) => Object.assign(sample, { heapTotal: h.heapTotal, heapUsed: h.heapUsed, external: h.external }),
      () => {},
    )
  }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      return samples
    },
  }
}

export interface Growth {
  first: number
  last: number
  growth: number
}

/** Growth of one measure: mean of the last `window` samples ÷ mean of the first `window`, minus 1. */
export function growthOf(values: (number | undefined)[], window = 10): Growth {
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v))
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const first = mean(finite.slice(0, window))
  const last = mean(finite.slice(-window))
  return { first, last, growth: last / first - 1 }
}

/** RSS growth between the first and the last 10 s, and the same for the V8 heap (as it was, no GC forced). */
export function rssGrowth(samples: MemorySample[], window = 10): Growth & { heapTotal: Growth; heapUsed: Growth; external: Growth } {
  return {
    ...growthOf(samples.map((s) => s.rss), window),
    heapTotal: growthOf(samples.map((s) => s.heapTotal), window),
    heapUsed: growthOf(samples.map((s) => s.heapUsed), window),
    external: growthOf(samples.map((s) => s.external), window),
  }
}

/** The soft limit on open files of this process (children inherit it), from /proc/self/limits. */
export function openFileLimit(): { soft: number; hard: number } {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
    const [soft, hard] = line!.replace('Max open files', '').trim().split(/\s+/)
    const n = (v: string | undefined) => (v === 'unlimited' ? Infinity : Number(v))
    return { soft: n(soft), hard: n(hard) }
  } catch {
    return { soft: 1024, hard: 1024 }
  }
}

/** Clean-ups to run if the soak must abort (its time bound): children that are not ours to orphan. */
const aborters = new Set<() => Promise<void>>()
export function onAbort(fn: () => Promise<void>): () => void {
  aborters.add(fn)
  return () => aborters.delete(fn)
}
export async function runAborters(): Promise<void> {
  await Promise.race([Promise.allSettled([...aborters].map((fn) => fn())), new Promise((r) => setTimeout(r, 5000))])
}
