/**
 * WebSocket soak: thousands of sockets on one server process (`attachWebSocket` from
 * src/server/adapters/ws.ts with the soak router's `room` channel), spread over a few hundred
 * rooms, every socket subscribed; for a minute each room publishes once a second (alternately a
 * client `message` frame and a server-side `hub.publish` from an RPC) and every socket calls an
 * RPC every 5 s. Counted: deliveries against expected, duplicates, misrouted messages, RPC
 * replies and their latency, error frames, closes; the server's RSS every second.
 * The socket count is bounded by the open-file limit (each side holds one descriptor per socket).
 */
import { withCpu } from '../lib/proc.ts'
import { PAYLOAD } from '../shared/payload.ts'
import type { WsOpenResult, WsRunResult } from './jobs.ts'
import type { SoakOptions } from './options.ts'
import { openFileLimit, rssGrowth, sampleMemory, startSoakServer, type Memory, type MemorySample, type ServerStats, type SoakLoadGen } from './proc.ts'

/** docs/PROTOCOL.md §9: the socket is at `/ws/`. */
const WS_PATH = '/ws/'
/** Descriptors each process keeps for itself (stdio, IPC, listeners, Redis, node internals). */
const FD_RESERVE = 512

export interface WsSoakSummary {
  requested: number
  connections: number
  capNote: string | null
  fdLimit: { soft: number; hard: number }
  rooms: number
  publishEveryMs: number
  rpcEveryMs: number
  open: WsOpenResult
  run: WsRunResult
  serverSocketsDuringRun: number
  /** Share of one core used during the run: the server, the generator, every other process on the machine. */
  cpu: { server: number; generator: number; other: number }
  rss: { samples: MemorySample[] } & ReturnType<typeof rssGrowth>
  memory: { idle: Memory; held: Memory; after: Memory }
  server: ServerStats
  errors: number
}

export async function runWsSoak(gen: SoakLoadGen, o: SoakOptions): Promise<WsSoakSummary> {
  const fdLimit = openFileLimit()
  const allowed = Math.max(100, fdLimit.soft - FD_RESERVE)
  const connections = Math.min(o.wsConnections, allowed)
  const capNote =
    connections < o.wsConnections
      ? `capped at ${connections} sockets (asked ${o.wsConnections}): the open-file limit is ${fdLimit.soft} (hard ${fdLimit.hard}) per process and could not be raised`
      : null
  if (capNote) console.error(`  ${capNote}`)
  const rooms = Math.min(o.wsRooms, connections)
  const publishEveryMs = 1000
  const rpcEveryMs = 5000
  const server = await startSoakServer(['--ws'])
  try {
    const idle = await server.memory()
    const open = await gen.run<WsOpenResult>({ type: 'ws-open', url: `ws://127.0.0.1:${server.port}${WS_PATH}`, connections, rooms, batch: 250, maxMs: 90_000 }, 120_000)
    console.error(`  ${open.subscribed} of ${connections} sockets open and subscribed in ${(open.ms / 1000).toFixed(1)} s${open.failed ? `, ${open.failed} failed: ${open.failureSamples.join(' | ')}` : ''}`)
    const held = await server.memory()
    const sampler = sampleMemory(server)
    let mid: ServerStats | undefined
    const { value: run, cpu, background } = await withCpu([server.pid, gen.pid], async () => {
      const running = gen.run<WsRunResult>(
        { type: 'ws-run', durationS: o.durationS, publishEveryMs, rpcEveryMs, drainMs: 5000, payload: PAYLOAD },
        (o.durationS + 60) * 1000,
      )
      // Halfway through: how many sockets does the server itself count?
      await new Promise((r) => setTimeout(r, (o.durationS * 1000) / 2))
      mid = await server.stats()
      return running
    })
    const samples = sampler.stop()
    const after = await server.memory()
    const stats = await server.stats()
    await gen.run({ type: 'ws-close' }, 60_000)
    const errors =
      open.failed + run.rpc.failed + run.rpc.lost + run.announce.failed + run.announce.lost + run.errorFrames + run.unexpectedCloses + run.duplicates + run.misrouted + stats.errors
    return {
      requested: o.wsConnections,
      connections,
      capNote,
      fdLimit,
      rooms,
      publishEveryMs,
      rpcEveryMs,
      open,
      run,
      serverSocketsDuringRun: mid?.sockets ?? NaN,
      cpu: { server: cpu[0]!, generator: cpu[1]!, other: background },
      rss: { samples, ...rssGrowth(samples) },
      memory: { idle, held, after },
      server: stats,
      errors,
    }
  } finally {
    await server.stop()
  }
}
