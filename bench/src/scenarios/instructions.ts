/**
 * Work per request, counted: each HTTP and WS server of the timed scenarios runs again under
 * callgrind, takes the same requests from the same generator, and reports the instructions its
 * main thread executed per request. The counts repeat to well under 1 %, where the req/s rounds
 * on this kind of machine spread by ±20 %, so they tell a real difference from noise.
 */
import { captureEcho } from '../lib/capture.ts'
import { Callgrind, hasValgrind, type CountedServer } from '../lib/callgrind.ts'
import type { LoadGen } from '../lib/proc.ts'
import { row, type Row, type ScenarioResult } from '../lib/report.ts'
import { median } from '../lib/stats.ts'
import type { HttpJob, HttpResult, WsRpcJob, WsRpcResult } from '../loadgen/jobs.ts'
import type { BenchOptions } from '../main.ts'
import { PAYLOAD } from '../shared/payload.ts'
import { HTTP_LABELS, PEERS as HTTP_PEERS, httpJob } from './http.ts'
import { WS_PEERS } from './ws.ts'

/** The frameworks that cost several times more per request get fewer, so each server takes about as long. */
const HEAVY = new Set(['trpc', 'orpc'])
const WARMUP_BATCHES = 2

/**
 * Warm up (the JIT settles over a few thousand requests), then count `repeats` pairs of batches,
 * of exactly `n` and `2n` requests. Each batch opens and closes the generator's 32 connections,
 * which costs a server as much as a few thousand of its requests; the difference of the pair's
 * counts leaves that out, so the figure is the work of one request at steady state.
 */
async function count(server: CountedServer, n: number, repeats: number, send: (n: number) => Promise<number>): Promise<number[]> {
  for (let i = 0; i < WARMUP_BATCHES; i++) await send(n)
  // No forced collection between batches: with one, every count came out 10-15 % higher (V8
  // likely shrinks the young generation after it) and no steadier.
  const counted = async (amount: number) => {
    await server.zero()
    const sent = await send(amount)
    return { sent, instructions: await server.instructions() }
  }
  const perRequest: number[] = []
  for (let i = 0; i < repeats; i++) {
    const one = await counted(n)
    const two = await counted(2 * n)
    perRequest.push((two.instructions - one.instructions) / (two.sent - one.sent))
  }
  return perRequest
}

function ratioNote(what: string, counts: Record<string, number[]>, ours: string, peers: [string, string][]): string {
  const m = median(counts[ours]!)
  return `${what}, requests the same instructions allow, Mizan ÷ ${peers.map(([name, label]) => `${label} ${(median(counts[name]!) / m).toFixed(2)}`).join(', ÷ ')}.`
}

export async function runInstructions(gen: LoadGen, o: BenchOptions): Promise<ScenarioResult> {
  const title = 'Instructions per request (callgrind)'
  if (!hasValgrind()) return { id: 'instr', title, settings: {}, rows: [], goals: [], notes: ['valgrind is not installed here; the counts were skipped.'], pending: 'valgrind not found' }
  const light = o.quick ? 1_000 : 2_500
  const n = (kind: string) => (HEAVY.has(kind) ? light / 5 : light)
  // Three pairs, so the median stands when a collection or a recompile lands in one batch only
  // (with two, a Mizan WS pair came out 52.9k and 63.3k, and the row was their mean).
  const repeats = 3
  const rows: Row[] = []
  const http: Record<string, number[]> = {}
  const ws: Record<string, number[]> = {}
  const callgrind = await Callgrind.prepare()
  try {
    for (const kind of HTTP_PEERS) {
      const server = await callgrind.start(kind, kind)
      try {
        const base = httpJob(await captureEcho(kind, server.port), { connections: o.connections, pipelining: o.pipelining, durationS: 600, maxRequests: 0 })
        http[kind] = await count(server, n(kind), repeats, async (amount) => {
          const job: HttpJob = { ...base, maxRequests: amount, exact: true }
          const r = await gen.run<HttpResult>(job, 600_000)
          if (r.errors || r.non2xx || r.mismatches) throw new Error(`${kind}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.mismatches} wrong bodies under callgrind`)
          return r.sent
        })
      } finally {
        await server.stop()
      }
      rows.push(row('instr', HTTP_LABELS[kind]!, 'HTTP call: instructions per request', 'instructions', http[kind]!.map(Math.round), `batches of ${n(kind)} and ${2 * n(kind)} requests, main thread`))
    }
    for (const peer of WS_PEERS) {
      const server = await callgrind.start(peer.name, peer.kind, [...peer.args])
      try {
        ws[peer.name] = await count(server, n(peer.name), repeats, async (amount) => {
          const job: WsRpcJob = { type: 'ws-rpc', protocol: peer.protocol, url: `ws://127.0.0.1:${server.port}${peer.path}`, fn: peer.fn, payload: PAYLOAD, connections: o.connections, inflight: o.pipelining, warmupS: 0, durationS: 600, maxRequests: amount, exact: true }
          const r = await gen.run<WsRpcResult>(job, 600_000)
          if (r.failed) throw new Error(`${peer.name}: ${r.failed} failed WS RPC replies under callgrind`)
          return r.sent
        })
      } finally {
        await server.stop()
      }
      rows.push(row('instr', peer.label, 'WS RPC: instructions per RPC', 'instructions', ws[peer.name]!.map(Math.round), `batches of ${n(peer.name)} and ${2 * n(peer.name)} RPCs, main thread`))
    }
  } finally {
    callgrind.dispose()
  }
  const notes = [
    ratioNote('HTTP', http, 'mizan', [['bare', 'bare'], ['trpc', 'tRPC'], ['orpc', 'oRPC']]),
    ratioNote('WS, a frame per call', ws, 'mizan', [['ws-bare', 'bare ws'], ['trpc', 'tRPC']]),
    ratioNote('WS, Mizan with batch: true', ws, 'mizan-batch', [['ws-bare-batch', 'bare ws with array frames'], ['trpc', 'tRPC']]),
    `Each server runs alone under valgrind --tool=callgrind (bundled by esbuild), warmed up with ${WARMUP_BATCHES} batches, then counted over ${repeats} pairs of batches of exactly N and 2N requests from the load generator (${o.connections} connections × ${o.pipelining} in flight, as in the timed runs); the figure is the difference of a pair's counts ÷ N, which leaves out opening and closing the connections of a batch. The count is of node's main thread: what the kernel does for the socket calls and V8's background threads (optimizing compiler, concurrent GC) are not in it, and those are the same for every server.`,
  ]
  return { id: 'instr', title, settings: { light, repeats }, rows, goals: [], notes }
}
