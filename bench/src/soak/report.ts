/** The soak's one table (terminal and markdown) and the SOAK.md section. */
import { fmt } from '../lib/stats.ts'
import type { HttpSoakSummary } from './http.ts'
import type { OutageSummary } from './outage.ts'
import type { WsSoakSummary } from './ws.ts'

export interface SoakGoal {
  id: string
  measure: string
  target: string
  display: string
  /** null: reported, not judged. */
  met: boolean | null
}

export interface SoakResults {
  date: string
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; os: string }
  options: Record<string, unknown>
  failures: Record<string, string>
  http?: HttpSoakSummary
  outage?: OutageSummary
  ws?: WsSoakSummary
  goals?: SoakGoal[]
  tookS?: number
}

const int = fmt.int
const mb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MB` : '—')
const ms = (v: number) => (!Number.isFinite(v) ? '—' : v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`)
const pct = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%` : '—')

const heapGrowth = (before: { heapUsed: number }, after: { heapUsed: number }) => after.heapUsed / before.heapUsed - 1

export function goalsOf(r: SoakResults): SoakGoal[] {
  const goals: SoakGoal[] = []
  const failed = (id: string, measure: string) => goals.push({ id, measure, target: '', display: `FAILED: ${r.failures[id]}`, met: false })
  if (r.http) {
    const h = r.http
    const s = h.soak
    goals.push(
      { id: 'http-max', measure: `HTTP: max req/s of the mix (${h.connections} connections, ${h.max.failed ? `${h.max.failed} failed` : 'no errors'})`, target: '', display: `${int(h.max.rps)} req/s`, met: null },
      {
        id: 'http-load',
        measure: `HTTP soak: ${s.durationS.toFixed(0)} s at ${Math.round((h.targetRps / h.max.rps) * 100)}% of max`,
        target: '',
        display: `${int(s.rps)} req/s (target ${int(h.targetRps)}), ${int(s.requests)} requests`,
        met: null,
      },
      { id: 'http-errors', measure: 'HTTP soak: errors (connection errors, timeouts, non-2xx, wrong bodies)', target: '0', display: int(s.failed), met: s.failed === 0 },
      { id: 'http-latency', measure: 'HTTP soak: latency p50 / p99', target: 'reported', display: `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p99)}`, met: null },
      { id: 'http-rss', measure: 'HTTP soak: server RSS growth, first → last 10 s', target: '< 10%', display: `${pct(h.rss.growth)} (${mb(h.rss.first)} → ${mb(h.rss.last)})`, met: h.rss.growth < 0.1 },
    )
  } else if (r.failures['http']) failed('http', 'HTTP soak')
  if (r.outage) {
    const x = r.outage
    goals.push(
      {
        id: 'outage-failed',
        measure: `Redis outage: failed requests (killed at +${(x.killedAtMs / 1000).toFixed(1)} s, restarted at +${(x.restartedAtMs / 1000).toFixed(1)} s)`,
        target: '0',
        display: `${int(x.failed)} of ${int(x.run.requests)} (${int(x.requestsDuringOutage)} while Redis was down)`,
        met: x.failed === 0,
      },
      {
        id: 'outage-recovery',
        measure: 'Redis outage: recovery, Redis answering again → first cache HIT',
        target: 'HITs resume',
        display: x.recoveryMs === null ? 'no HIT after the restart' : `${int(x.recoveryMs)} ms (${int(x.recoveryFromRestartMs!)} ms from relaunch)`,
        met: x.recoveryMs !== null,
      },
    )
  } else if (r.failures['outage']) failed('outage', 'Redis outage')
  if (r.ws) {
    const w = r.ws
    const run = w.run
    goals.push(
      {
        id: 'ws-sockets',
        measure: `WS: sockets open and subscribed, in rooms${w.capNote ? ' (capped by the open-file limit)' : ''}`,
        target: '',
        display: `${int(w.open.subscribed)} of ${int(w.connections)}, ${int(w.rooms)} rooms`,
        met: null,
      },
      { id: 'ws-errors', measure: 'WS: errors (failed/lost RPCs, error frames, server closes, duplicates, misrouted)', target: '0', display: int(w.errors), met: w.errors === 0 },
      {
        id: 'ws-delivered',
        measure: `WS: messages delivered / expected (${int(run.publishes.client + run.publishes.server)} publishes in ${run.durationS.toFixed(0)} s)`,
        target: 'equal',
        display: `${int(run.delivered)} / ${int(run.expected)}`,
        met: run.delivered === run.expected,
      },
      { id: 'ws-rpc', measure: `WS: RPC latency p50 / p99 (${int(run.rpc.ok)} RPCs)`, target: 'reported', display: `${ms(run.rpc.latencyMs.p50)} / ${ms(run.rpc.latencyMs.p99)}`, met: null },
      {
        id: 'ws-rss',
        measure: 'WS: server RSS growth, first → last 10 s (see the memory note)',
        target: 'reported',
        display: `${pct(w.rss.growth)} (${mb(w.rss.first)} → ${mb(w.rss.last)})`,
        met: null,
      },
      {
        id: 'ws-heap',
        measure: 'WS: server live JS heap after a full GC, before → after the run (leak check)',
        target: '< 10%',
        display: `${pct(heapGrowth(w.memory.held, w.memory.after))} (${mb(w.memory.held.heapUsed)} → ${mb(w.memory.after.heapUsed)})`,
        met: heapGrowth(w.memory.held, w.memory.after) < 0.1,
      },
    )
  } else if (r.failures['ws']) failed('ws', 'WebSocket soak')
  return goals
}

export function renderTable(r: SoakResults): string {
  const goals = r.goals ?? goalsOf(r)
  const lines = [
    '| Measure | Goal | Result | Met |',
    '|---|---|---|---|',
    ...goals.map((g) => `| ${g.measure} | ${g.target} | ${g.display} | ${g.met === null ? '' : g.met ? '✅ yes' : '❌ no'} |`),
  ]
  return lines.join('\n')
}

/** Did a major GC fall inside the window? (RSS dropping by more than 10% from one second to the next.) */
function majorGcNote(samples: { atMs: number; rss: number }[]): string {
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!
    const b = samples[i]!
    if (b.rss < a.rss * 0.9) return `A major GC fell inside this window: at +${(b.atMs / 1000).toFixed(0)} s the RSS went ${mb(a.rss)} → ${mb(b.rss)}.`
  }
  return 'No major GC fell inside this window.'
}

const core = (share: number) => `${(share * 100).toFixed(0)}%`
const lat = (l: { p50: number; p99: number }) => `${ms(l.p50)} / ${ms(l.p99)}`

export function renderMarkdown(r: SoakResults): string {
  const m = r.machine
  const out: string[] = []
  out.push('### Load and soak (`npm run soak`)', '')
  out.push(
    `Run ${r.date.slice(0, 10)} (${r.date}) on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}; the whole run took ${(r.tookS ?? 0).toFixed(0)} s.` +
      (r.options['quick'] ? ' **--quick smoke run: shorter and smaller than the published one.**' : ''),
    '',
  )
  out.push(renderTable(r), '')
  out.push('How it runs (bench/src/soak/): every server and the load generator are separate Node processes on 127.0.0.1, and every run is bounded in time and in count. CPU shares are of one core; "other" is every other process on the machine, Redis included.', '')
  if (r.http) {
    const h = r.http
    const s = h.soak
    const hr = h.rss
    out.push(
      `- **HTTP soak.** \`createNodeHandler\` on node:http serving a call (the benchmarks' Zod echo), a context \`profile\` of 4 members cached by the origin cache on Redis (127.0.0.1:6379, a key namespace of its own, cleared afterwards), and a mutation \`renameUser\` that affects it, scoped by \`user_id\`, so each one purges that user's cached bundle. The requests are what our client sends (\`createMizanClient\`, captured once, replayed by autocannon) and every response is checked byte for byte. Mix: ${h.mix}.`,
      `  Max: ${h.connections} keep-alive connections, no pipelining, ${r.options['maxS']} s after a warm-up: ${int(h.max.rps)} req/s (server ${core(h.max.serverCpu)}, generator ${core(h.max.genCpu)}, other ${core(h.max.otherCpu)}). Soak: ${s.durationS.toFixed(0)} s at ${int(h.targetRps)} req/s over ${h.pacedConnections} connections, ${s.pacing === 'paced' ? 'each paced on a fixed interval' : "held by autocannon's per-second quota (the pacing hook was unavailable)"}: ${int(s.rps)} req/s achieved, ${int(s.requests)} requests (${int(s.byTag.ctx)} context reads of which ${int(s.cache.HIT)} HIT and ${int(s.cache.MISS)} MISS, ${int(s.byTag.call)} calls, ${int(s.byTag.mutation)} mutations); server ${core(s.serverCpu)}, generator ${core(s.genCpu)}, other ${core(s.otherCpu)}. Latency p50 / p90 / p99 / p99.9 / max: ${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p90)} / ${ms(s.latencyMs.p99)} / ${ms(s.latencyMs.p999)} / ${ms(s.latencyMs.max)}; p50 / p99 by kind: call ${lat(s.latencyByTagMs.call)}, context ${lat(s.latencyByTagMs.ctx)}, mutation ${lat(s.latencyByTagMs.mutation)}.`,
      `  Memory: the server's RSS from \`/proc/<pid>/status\` every second (${hr.samples.length} samples, no GC forced): first 10 s ${mb(hr.first)}, last 10 s ${mb(hr.last)} (${pct(hr.growth)}); V8 heap in use ${mb(hr.heapUsed.first)} → ${mb(hr.heapUsed.last)}. Live JS heap after a full GC, before → after the soak: ${mb(h.heapAfterGc.before.heapUsed)} → ${mb(h.heapAfterGc.after.heapUsed)}. Errors the server reported to \`onError\`: ${h.server.errors}.`,
    )
  }
  if (r.outage) {
    const x = r.outage
    const log = x.serverLog.map((e) => `"${e.message}" at +${(e.atMs / 1000).toFixed(2)} s`).join(', ')
    const share = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : '—')
    out.push(
      `- **Redis outage.** The same server and mix with its cache on a private \`redis-server\` (port ${x.redisPort}; the shared one is never touched), ${int(x.rateRps)} req/s paced for ${x.durationS.toFixed(0)} s (${int(x.run.rps)} achieved). Redis killed (SIGKILL) at +${(x.killedAtMs / 1000).toFixed(2)} s, relaunched at +${(x.restartedAtMs / 1000).toFixed(2)} s, answering PING at +${(x.upAtMs / 1000).toFixed(2)} s. Failed requests: ${int(x.failed)} of ${int(x.run.requests)} (${int(x.failedDuringOutage)} from the kill to 2 s after the restart). Context reads stopped being HITs ${x.detectedMs === null ? '(not observed)' : `within ${int(x.detectedMs + 50)} ms`} of the kill and were served uncached meanwhile, without a stall; the first HIT came ${x.recoveryMs === null ? 'never' : `${int(x.recoveryMs)} ms after Redis answered again`} (the restarted Redis is empty, so a key's first read is a MISS that stores it; most of the delay is ioredis's reconnect backoff). HIT share of context reads before / during / from 3 s after: ${share(x.hitRatio.before)} / ${share(x.hitRatio.during)} / ${share(x.hitRatio.after)}. Latency over the run p50 / p99 / max: ${ms(x.latencyMs.p50)} / ${ms(x.latencyMs.p99)} / ${ms(x.latencyMs.max)}. Server log: ${log || 'none'}.`,
    )
  }
  if (r.ws) {
    const w = r.ws
    const run = w.run
    const wr = w.rss
    out.push(
      `- **WebSocket soak.** \`attachWebSocket\` on the same kind of server, with a channel \`room\` (params \`{ room }\`). ${int(w.open.subscribed)} sockets (open-file limit ${w.fdLimit.soft} per process${w.capNote ? `; ${w.capNote}` : ''}) opened 250 at a time in ${(w.open.ms / 1000).toFixed(1)} s, each subscribed to one of ${int(w.rooms)} rooms (${Math.round(w.open.subscribed / w.rooms)} per room; the server counted ${int(w.serverSocketsDuringRun)} sockets mid-run). For ${run.durationS.toFixed(0)} s each room published once a second, alternately a client \`message\` frame (${int(run.publishes.client)}) and a server-side \`hub.publish\` from the \`announce\` RPC (${int(run.publishes.server)}), and every socket sent an \`echo\` RPC (the Zod payload) every ${w.rpcEveryMs / 1000} s; server ${core(w.cpu.server)}, generator ${core(w.cpu.generator)}, other ${core(w.cpu.other)}.`,
      `  Delivered ${int(run.delivered)} of ${int(run.expected)} expected (every subscriber of the room, the sender included), ${run.duplicates} duplicates, ${run.misrouted} to the wrong room; RPCs ${int(run.rpc.ok)} ok, ${run.rpc.failed} failed, ${run.rpc.lost} unanswered; \`announce\` ${int(run.announce.ok)} ok; ${run.errorFrames} error frames, ${run.unexpectedCloses} closes by the server. RPC latency p50 / p90 / p99 / max: ${ms(run.rpc.latencyMs.p50)} / ${ms(run.rpc.latencyMs.p90)} / ${ms(run.rpc.latencyMs.p99)} / ${ms(run.rpc.latencyMs.max)}, timed in the generator, whose one thread also takes every socket's deliveries.`,
      `  Memory: RSS ${mb(w.memory.idle.rss)} idle, ${mb(w.memory.held.rss)} holding the sockets; during the run ${mb(wr.first)} → ${mb(wr.last)} (${pct(wr.growth)}), V8 heap committed ${mb(wr.heapTotal.first)} → ${mb(wr.heapTotal.last)}, in use ${mb(wr.heapUsed.first)} → ${mb(wr.heapUsed.last)}, external (Buffers) ${mb(wr.external.first)} → ${mb(wr.external.last)} — while the live heap after a full GC went ${mb(w.memory.held.heapUsed)} → ${mb(w.memory.after.heapUsed)} and external ${mb(w.memory.held.external)} → ${mb(w.memory.after.external)}. ${majorGcNote(wr.samples)} At this load (the server mostly idle) V8 runs a major GC rarely, so frame garbage and its Buffers pile up in old space until one runs; an exploratory run of 120 s (\`npm run soak -- --only=ws --duration=120\`, 2026-11-26) climbed ~1 MB/s to 274 MB and fell to 197 MB at its first major GC, ~100 s in, heap in use back to 60 MB. So the leak check is the live heap after a full GC, and the RSS growth is reported.`,
    )
  }
  out.push(
    '- **Method notes.** The paced runs hold their rate by giving each connection a fixed interval (connections ÷ rate), staggered, through autocannon\'s `setupClient` hook; autocannon\'s own `overallRate` is a per-connection quota per second, sent back to back, which loads the server at 100% in bursts and would report saturation latency. Latencies are measured response times, nothing corrected or synthesized. The machine is shared (2 cores for the server, the generator, Redis and whatever else runs), so absolute latencies move from run to run; errors, deliveries and memory are what the goals judge.',
    '',
  )
  return out.join('\n')
}
