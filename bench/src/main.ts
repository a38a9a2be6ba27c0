/**
 * `npm run bench [-- --json] [-- --quick] [-- --only=http,ctx,ws,instr,cache-purge,live,stream,bundle,typecheck] [-- --verbose] [-- --budget=S]`
 * Runs every scenario, prints one table, and with --json writes results/latest.json. `--budget`
 * (default 570 s) is when the type-check scenario stops adding rounds.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, release } from 'node:os'
import { fileURLToPath } from 'node:url'
import { startLoadGen } from './lib/proc.ts'
import { renderMarkdown, type ScenarioResult } from './lib/report.ts'
import { runBundle } from './scenarios/bundle.ts'
import { runCachePurge } from './scenarios/cache-purge.ts'
import { runContext } from './scenarios/context.ts'
import { runHttp } from './scenarios/http.ts'
import { runInstructions } from './scenarios/instructions.ts'
import { runLive } from './scenarios/live.ts'
import { runStream } from './scenarios/stream.ts'
import { runTypecheck } from './scenarios/typecheck.ts'
import { runWs } from './scenarios/ws.ts'

export interface BenchOptions {
  json: boolean
  quick: boolean
  verbose: boolean
  only: Set<string> | null
  rounds: number
  durationS: number
  warmupS: number
  connections: number
  pipelining: number
  maxRequests: number
  profile: string | null
  profileDir: string
  /**
   * When the run must be done (epoch ms): the type-check scenario, the last and the only one
   * whose length depends on the machine's speed, drops extra rounds that would end past it.
   */
  deadline: number
  /** The time budget of the run in seconds from its start (`--budget`), which sets `deadline`. */
  budgetS: number
}

/** A full run stays under 10 minutes: 570 s, with a margin for the estimate of the next round. */
const BUDGET_DEFAULT_S = 570

function parseArgs(argv: string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`)
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const quick = flag('quick')
  const only = value('only')
  const budgetS = Number(value('budget') ?? BUDGET_DEFAULT_S)
  return {
    json: flag('json'),
    quick,
    verbose: flag('verbose') || flag('v'),
    only: only ? new Set(only.split(',')) : null,
    rounds: Number(value('rounds') ?? (quick ? 3 : 5)),
    durationS: Number(value('duration') ?? (quick ? 2 : 3)),
    warmupS: quick ? 1 : 2,
    connections: Number(value('connections') ?? 32),
    pipelining: Number(value('pipelining') ?? 4),
    maxRequests: 2_000_000,
    profile: value('profile') ?? null,
    profileDir: fileURLToPath(new URL('../profiles/', import.meta.url)),
    budgetS,
    deadline: Date.now() + budgetS * 1000,
  }
}

export function machine() {
  const cpu = cpus()
  return { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, os: `${process.platform} ${release()}` }
}

const o = parseArgs(process.argv.slice(2))
const wants = (id: string) => !o.only || o.only.has(id)
/** The instruction counts run each server under valgrind (about 4 minutes): only when asked for by name. */
const asked = (id: string) => o.only?.has(id) === true
const started = Date.now()
const results: ScenarioResult[] = []
// Only the scenarios that replay requests need the load generator (and the bench's own dependencies).
const needsGen = ['http', 'ctx', 'ws'].some(wants) || asked('instr')
const gen = needsGen ? await startLoadGen() : undefined

/** A scenario that fails is reported as such; the others still run and print. */
async function guarded(id: string, title: string, run: () => Promise<ScenarioResult>): Promise<void> {
  console.error(`▶ ${title}`)
  try {
    results.push(await run())
  } catch (error) {
    console.error(`✖ ${title} failed:`, error)
    results.push({ id, title, settings: {}, rows: [], goals: [], notes: [`FAILED: ${String((error as Error)?.message ?? error).slice(0, 500)}`], pending: 'scenario failed, see notes' })
  }
}
try {
  if (wants('http')) await guarded('http', 'HTTP call throughput', () => runHttp(gen!, o))
  if (wants('ctx')) await guarded('ctx', 'Contexts', () => runContext(gen!, o))
  if (wants('ws')) await guarded('ws', 'WebSocket', () => runWs(gen!, o))
  if (asked('instr')) await guarded('instr', 'Instructions per request', () => runInstructions(gen!, o))
  // A private redis-server filled to 1M keys: only when asked for by name.
  if (asked('cache-purge')) await guarded('cache-purge', 'Origin cache purge', () => runCachePurge(o))
  // Two server processes, a private redis-server and 20,000 sockets: only when asked for by name.
  if (asked('live')) await guarded('live', 'Live invalidation across processes', () => runLive(o))
  // In-process servers and clients, about half a minute: only when asked for by name.
  if (asked('stream')) await guarded('stream', 'Streaming and batching', () => runStream(o))
  if (wants('bundle')) await guarded('bundle', 'Client bundles', () => runBundle())
  if (wants('typecheck')) await guarded('typecheck', 'Type-check', () => runTypecheck(o))
} finally {
  await gen?.stop()
}
const markdown = renderMarkdown(results)
const m = machine()
const header = `Run ${new Date().toISOString()} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; took ${((Date.now() - started) / 1000).toFixed(0)} s`
console.log(`${header}\n\n${markdown}`)
if (o.json) {
  const dir = fileURLToPath(new URL('../results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  // A partial run keeps the last full run's files: results/only-<scenarios>.* instead of latest.*.
  const name = o.only ? `only-${[...o.only].sort().join('-')}` : 'latest'
  writeFileSync(`${dir}${name}.md`, `${header}\n\n${markdown}\n`)
  writeFileSync(`${dir}${name}.json`, JSON.stringify({ date: new Date().toISOString(), machine: m, options: { ...o, only: o.only ? [...o.only] : null }, results, markdown }, null, 2) + '\n')
  console.error(`wrote bench/results/${name}.json`)
}
