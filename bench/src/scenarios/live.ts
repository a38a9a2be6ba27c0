/**
 * Live invalidation across processes: two server processes on one private redis-server, and
 * 1,000 then 10,000 idle watchers connected to each (from two helper processes). Per trial,
 * a mutation is sent over HTTP to process A; latency runs from its answer to the moment a
 * watching client on process B holds the refetched bundle with the change (the Mizan kernel:
 * invalidation frame over its socket, then the bundle over HTTP, as a page does).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'
import { createMizanClient } from '../../../src/client/mizan-client.ts'
import { realtimeOf, webSocketTransport, type WebSocketConstructor } from '../../../src/client/ws-transport.ts'
import { row, type Row, type ScenarioResult } from '../lib/report.ts'
import type { BenchOptions } from '../main.ts'

const WARMUP = 10
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** A child that prints `line` (a regexp) once ready; rejects if it exits first. */
function startChild(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs: number): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  process.once('exit', () => child.kill('SIGKILL'))
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.at(-1)} not ready within ${timeoutMs} ms: ${out}`)), timeoutMs)
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}): ${out}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk)
      const match = ready.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve({ child, match })
      }
    })
  })
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

export async function runLive(o: BenchOptions): Promise<ScenarioResult> {
  const trials = o.quick ? 100 : 200
  const counts = [1_000, 10_000]
  const app = (name: string) => fileURLToPath(new URL(`../apps/${name}`, import.meta.url))
  const dataDir = mkdtempSync(join(tmpdir(), 'mizan-bench-live-'))
  const redisPort = await freePort()
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const children: ChildProcess[] = [redis]
  const rows: Row[] = []
  const notes: string[] = []
  try {
    await sleep(300)
    const env = { REDIS_URL: `redis://127.0.0.1:${redisPort}`, PREFIX: `bench-live-${process.pid}:`, DATA_DIR: dataDir }
    const [a, b] = await Promise.all([0, 1].map(() => startChild(['--import', 'tsx', app('live-server.ts')], env, /"port":(\d+)/, 30_000)))
    children.push(a!.child, b!.child)
    const portA = Number(a!.match[1])
    const portB = Number(b!.match[1])

    for (const count of counts) {
      const idle = await Promise.all(
        [portA, portB].map((port) => startChild(['--import', 'tsx', app('live-idle.ts'), `ws://127.0.0.1:${port}/ws/`, String(count)], {}, /ready (\d+)/, 120_000)),
      )
      children.push(...idle.map((i) => i.child))
      const watching = idle.map((i) => Number(i.match[1]))

      // The measured page: a Mizan kernel on process B watching board 1, refetching it when told.
      const client = createMizanClient({ baseUrl: `http://127.0.0.1:${portB}/api/mizan`, csrf: false, websocket: { connect: webSocketTransport, WebSocket: WebSocket as unknown as WebSocketConstructor } })
      const realtime = realtimeOf(client)
      let waiting: { title: string; resolve: (at: number) => void } | undefined
      realtime.watch('board', { board_id: 1 })
      realtime.onInvalidate(async () => {
        const bundle = (await client.context('board' as never, { board_id: 1 } as never)) as Record<string, string[]>
        const tasks = Object.values(bundle)[0] ?? []
        if (waiting && tasks.includes(waiting.title)) waiting.resolve(performance.now())
      })
      while (realtime.connection.status !== 'open') await sleep(20)
      await sleep(300)

      const latencies: number[] = []
      for (let i = 0; i < trials + WARMUP; i++) {
        const title = `w${count}-t${i}`
        const updated = new Promise<number>((resolve) => (waiting = { title, resolve }))
        const res = await fetch(`http://127.0.0.1:${portA}/api/mizan/call/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fn: 'add_task', args: { board_id: 1, title } }) })
        if (res.status !== 200) throw new Error(`add_task answered ${res.status}`)
        const answered = performance.now()
        await res.arrayBuffer()
        const at = await Promise.race([updated, sleep(5_000).then(() => NaN)])
        if (Number.isNaN(at)) throw new Error(`trial ${i}: the watcher on process B never saw '${title}'`)
        if (i >= WARMUP) latencies.push(at - answered)
        await sleep(10)
      }
      realtime.connection.close()
      await Promise.all(idle.map((i) => stop(i.child)))

      const sorted = [...latencies].sort((x, y) => x - y)
      const subject = `${count.toLocaleString('en-US')} idle watchers per process`
      const note = `${trials} trials; ${watching.join(' + ')} idle sockets acknowledged`
      rows.push(row('live', subject, 'propagation p50 (ms)', 'ms', [percentile(sorted, 50)], note))
      rows.push(row('live', subject, 'propagation p99 (ms)', 'ms', [percentile(sorted, 99)]))
      rows.push(row('live', subject, 'propagation max (ms)', 'ms', [sorted.at(-1)!]))
      if (o.verbose) console.error(`live ${count}: p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`)
    }
    notes.push(
      'Propagation: from the answer of an HTTP mutation on process A to a client on process B holding the refetched bundle (invalidation over Redis pub/sub, then one HTTP read). Idle watchers each watch a board nobody changes, so every invalidation is routed past them.',
    )
  } finally {
    for (const child of children.reverse()) await stop(child)
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { id: 'live', title: 'Live invalidation across processes', settings: { trials, idleWatchersPerProcess: counts }, rows, goals: [], notes }
}
