/**
 * One server per process, forked by the orchestrator with an IPC channel:
 *   serve.ts <bare|mizan|trpc|orpc|ws-bare> [--ws] [--cache redis]
 * Sends `{ ready, port, pid, notes }`; answers `{ cmd: 'mem' }` with memory after a full GC
 * (the process runs with --expose-gc) and exits on `{ cmd: 'stop' }` or when the parent goes.
 */
import { memoryAfterGc } from '../lib/child.ts'
import type { Started, StartOptions } from './types.ts'

const [kind = '', ...rest] = process.argv.slice(2)
const options: StartOptions = { ws: rest.includes('--ws'), cache: rest.includes('redis') ? 'redis' : 'none' }

const modules: Record<string, () => Promise<{ start(options: StartOptions): Promise<Started> }>> = {
  bare: () => import('./bare.ts'),
  mizan: () => import('./mizan.ts'),
  trpc: () => import('./trpc.ts'),
  orpc: () => import('./orpc.ts'),
  'ws-bare': () => import('./ws-bare.ts'),
}

const load = modules[kind]
if (!load) {
  console.error(`unknown server kind '${kind}'`)
  process.exit(2)
}
const started = await (await load()).start(options)
started.server.keepAliveTimeout = 60_000
started.server.maxHeadersCount = 100

process.on('message', async (msg: { cmd: string; id?: number }) => {
  if (msg.cmd === 'mem') process.send?.({ id: msg.id, memory: memoryAfterGc() })
  if (msg.cmd === 'stop') {
    await Promise.race([started.close(), new Promise((r) => setTimeout(r, 1000))])
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ ready: true, port: started.port, pid: process.pid, notes: started.notes ?? {} })
