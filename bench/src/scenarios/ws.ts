/**
 * WebSocket RPC throughput (Mizan vs tRPC 11 over ws, with a bare `ws` echo as the floor) and
 * idle connections held, with server memory per connection.
 */
import { startServer, withCpu, type LoadGen, type ServerProc } from '../lib/proc.ts'
import { ratioGoal, row, type Goal, type Row, type ScenarioResult } from '../lib/report.ts'
import { median, pairedRatios } from '../lib/stats.ts'
import { wsMaskingNote } from '../lib/ws-native.ts'
import type { WsRpcJob, WsRpcResult } from '../loadgen/jobs.ts'
import type { BenchOptions } from '../main.ts'
import { PAYLOAD } from '../shared/payload.ts'
import { rotation } from './http.ts'

/** docs/PROTOCOL.md §9: the WebSocket endpoint is `/ws/` (ROUTES.websocket). */
export const MIZAN_WS_PATH = '/ws/'

/**
 * Each peer is a server and the way its client talks to it. Mizan is measured twice on one server:
 * with a frame per call (the default, what a Python backend reads), and with the client's
 * `websocket: { batch: true }`, which sends the calls of one turn as one array frame as tRPC's
 * wsLink always does. The goal is read on the batched client, tRPC's own setting being batched.
 */
export const WS_PEERS = [
  { name: 'ws-bare', kind: 'ws-bare', args: [], protocol: 'echo', fn: 'echo', path: '/', label: 'bare ws (JSON + Zod, no framework)' },
  { name: 'trpc', kind: 'trpc', args: ['--ws'], protocol: 'trpc', fn: 'echo', path: '/', label: 'tRPC 11 (applyWSSHandler)' },
  { name: 'mizan', kind: 'mizan', args: ['--ws'], protocol: 'mizan', fn: 'echo_ws', path: MIZAN_WS_PATH, label: 'Mizan (adapters/ws.ts), a frame per call' },
  { name: 'mizan-batch', kind: 'mizan', args: ['--ws'], protocol: 'mizan-batch', fn: 'echo_ws', path: MIZAN_WS_PATH, label: 'Mizan, client batch: true' },
  { name: 'ws-bare-batch', kind: 'ws-bare', args: [], protocol: 'echo-batch', fn: 'echo', path: '/', label: 'bare ws, array frames (the floor for batches)' },
] as const

/** Peers measured on another peer's server process. */
const SHARES_SERVER: Partial<Record<(typeof WS_PEERS)[number]['name'], (typeof WS_PEERS)[number]['name']>> = { 'mizan-batch': 'mizan', 'ws-bare-batch': 'ws-bare' }

export async function runWs(gen: LoadGen, o: BenchOptions): Promise<ScenarioResult> {
  const servers: ServerProc[] = []
  const rows: Row[] = []
  const goals: Goal[] = []
  const notes: string[] = []
  const holdCount = o.quick ? 2_000 : 10_000
  try {
    const live: { peer: (typeof WS_PEERS)[number]; server: ServerProc }[] = []
    for (const peer of WS_PEERS) {
      const host = SHARES_SERVER[peer.name]
      const shared = host && live.find((l) => l.peer.name === host)?.server
      const server = shared ?? (await startServer(peer.name, peer.kind, [...peer.args], o.profile === `ws-${peer.name}` ? o.profileDir : undefined))
      if (!shared) servers.push(server)
      live.push({ peer, server })
    }
    const job = (p: (typeof WS_PEERS)[number], s: ServerProc, durationS: number, warmupS: number): WsRpcJob => ({
      type: 'ws-rpc',
      protocol: p.protocol,
      url: `ws://127.0.0.1:${s.port}${p.path}`,
      fn: p.fn,
      payload: PAYLOAD,
      connections: o.connections,
      inflight: o.pipelining,
      warmupS,
      durationS,
      maxRequests: 2_000_000,
    })
    // Idle connections first, on servers that have served nothing yet: memory after a full GC, before and while holding them.
    const held: Record<string, { opened: number; perConn: number; heapPerConn: number }> = {}
    for (const { peer, server } of live) {
      if (SHARES_SERVER[peer.name]) continue
      const before = await server.memory()
      const h = await gen.run<{ opened: number; failed: number; ms: number }>(
        { type: 'ws-hold', url: `ws://127.0.0.1:${server.port}${peer.path}`, count: holdCount, batch: 250, maxMs: 60_000 },
        120_000,
      )
      await new Promise((r) => setTimeout(r, 500))
      const after = await server.memory()
      await gen.run({ type: 'ws-release' }, 30_000)
      const perConn = (after.rss - before.rss) / Math.max(1, h.opened)
      const heapPerConn = (after.heapUsed + after.external - before.heapUsed - before.external) / Math.max(1, h.opened)
      held[peer.name] = { opened: h.opened, perConn, heapPerConn }
      rows.push(row('ws-idle', peer.label, `idle connections held (of ${holdCount})`, '', [h.opened], `${h.failed} failed, opened in ${(h.ms / 1000).toFixed(1)} s`))
      rows.push(row('ws-idle', peer.label, 'server RSS per idle connection', 'bytes', [perConn], `JS heap + external ${(heapPerConn / 1024).toFixed(1)} kB per connection`))
    }
    const rps: Record<string, number[]> = {}
    const cpu: Record<string, number[]> = {}
    for (const { peer, server } of live) {
      rps[peer.name] = []
      cpu[peer.name] = []
      await gen.run<WsRpcResult>(job(peer, server, o.warmupS, 0.2), (o.warmupS + 30) * 1000)
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const { peer, server } of rotation(live, round)) {
        const { value, cpu: used } = await withCpu([server.pid], () => gen.run<WsRpcResult>(job(peer, server, o.durationS, 0.3), (o.durationS + 30) * 1000))
        if (value.failed) throw new Error(`${peer.name}: ${value.failed} failed WS RPC replies`)
        rps[peer.name]!.push(value.rps)
        cpu[peer.name]!.push(used[0]!)
        if (o.verbose) console.error(`  ws ${peer.name} round ${round + 1}: ${Math.round(value.rps)} rpc/s`)
      }
    }
    const perCpu = (name: string) => rps[name]!.map((r, i) => r / cpu[name]![i]!)
    for (const { peer } of live) {
      rows.push(row('ws', peer.label, 'WS RPC, JSON echo + Zod', 'req/s', rps[peer.name]!, `server CPU ${(median(cpu[peer.name]!) * 100).toFixed(0)}%`))
      rows.push(row('ws', peer.label, 'RPCs per server CPU-second', 'req/s', perCpu(peer.name)))
    }
    notes.push(
      `RPCs per server CPU-second (the per-RPC cost with contention factored out): Mizan batched ÷ tRPC ${median(pairedRatios(perCpu('mizan-batch'), perCpu('trpc'))).toFixed(2)}, ÷ bare ws with array frames ${median(pairedRatios(perCpu('mizan-batch'), perCpu('ws-bare-batch'))).toFixed(2)}; Mizan with a frame per call ÷ tRPC ${median(pairedRatios(perCpu('mizan'), perCpu('trpc'))).toFixed(2)}, ÷ bare ws ${median(pairedRatios(perCpu('mizan'), perCpu('ws-bare'))).toFixed(2)}.`,
      `In req/s: Mizan with a frame per call (the client's default, which a Python backend also reads) ÷ tRPC ${median(pairedRatios(rps['mizan']!, rps['trpc']!)).toFixed(2)}; Mizan batched ÷ bare ws with array frames ${median(pairedRatios(rps['mizan-batch']!, rps['ws-bare-batch']!)).toFixed(2)}.`,
    )

    goals.push(ratioGoal('ws-trpc', 'WS RPC req/s ÷ tRPC 11 over ws (both clients batching)', '≥ 4.0', pairedRatios(rps['mizan-batch']!, rps['trpc']!), (v) => v >= 4))
    const m = held['mizan']!
    goals.push(
      { id: 'ws-conn-held', measure: 'WS: idle connections held (2 cores)', target: '10,000', value: m.opened, met: m.opened >= 10_000 },
      { id: 'ws-conn-mem', measure: 'WS: server memory (RSS) per idle connection', target: '≤ 50 kB', value: m.perConn, met: m.perConn <= 50 * 1024 },
    )
    notes.push(
      `WS RPC: ${o.connections} connections × ${o.pipelining} RPCs in flight each, the same payload and Zod schema as HTTP; every reply is checked in full against the first success (bench/README.md); the generator sends the frames it answers one read with together (one write; one array frame for tRPC, whose wsLink always batches, and for Mizan's batching client). tRPC frames: {id, method:"mutation", params:{path, input}}; Mizan frames: {action:"rpc", id, fn, args} (PROTOCOL.md §9).`,
      wsMaskingNote(),
      `Idle connections: ${holdCount} sockets opened 250 at a time by the generator process; memory is the server's RSS after a full GC (--expose-gc), before and while holding them.`,
    )
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
  }
  return { id: 'ws', title: 'WebSocket RPC and idle connections', settings: { holdCount }, rows, goals, notes }
}
