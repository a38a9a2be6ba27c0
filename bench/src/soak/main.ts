/**
 * `npm run soak [-- --quick] [-- --only=http,outage,ws] [-- --verbose] [-- --duration=S]
 *               [-- --load=0.8] [-- --connections=32] [-- --paced-connections=64] [-- --ws-connections=N]
 *               [-- --ws-rooms=N] [-- --limit=570] [-- --no-write | --write]`
 * Load and soak (issue #9): the HTTP soak, a Redis outage under load and the WebSocket soak,
 * each against its own server process, with the load from one more process. Prints one table,
 * writes results/soak.json and SOAK.md (a full run; --quick only with --write), and exits
 * non-zero when a goal is missed. The whole run is bounded: it aborts itself after 9.5 minutes
 * (`--limit=S`), stopping what it started.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { runHttpSoak, type HttpSoakSummary } from './http.ts'
import { parseSoakArgs } from './options.ts'
import { runOutage, type OutageSummary } from './outage.ts'
import { runAborters, startSoakLoadGen } from './proc.ts'
import { goalsOf, renderMarkdown, renderTable, type SoakResults } from './report.ts'
import { runWsSoak, type WsSoakSummary } from './ws.ts'

const o = parseSoakArgs(process.argv.slice(2))
const LIMIT_MS = o.limitS * 1000
const wants = (id: string) => !o.only || o.only.has(id)
const started = Date.now()

const watchdog = setTimeout(async () => {
  console.error(`✖ soak: still running after ${LIMIT_MS / 1000} s; aborting (servers and the generator exit with us)`)
  await runAborters()
  process.exit(2)
}, LIMIT_MS)
watchdog.unref()

const cpu = cpus()
const machine = {
  cpu: cpu[0]?.model ?? 'unknown',
  cores: cpu.length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  os: `${process.platform} ${release()}`,
}
const results: SoakResults = { date: new Date().toISOString(), machine, options: { ...o, only: o.only ? [...o.only] : null }, failures: {} }

async function guarded<T>(id: string, title: string, run: () => Promise<T>): Promise<T | undefined> {
  console.error(`▶ ${title}`)
  const t0 = Date.now()
  try {
    const value = await run()
    console.error(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`)
    return value
  } catch (error) {
    console.error(`✖ ${title} failed:`, error)
    results.failures[id] = String((error as Error)?.message ?? error).slice(0, 500)
    return undefined
  }
}

const gen = await startSoakLoadGen()
try {
  let http: HttpSoakSummary | undefined
  if (wants('http')) {
    http = await guarded('http', `HTTP soak: max req/s, then ${o.durationS} s at ${Math.round(o.loadShare * 100)}% of it`, () => runHttpSoak(gen, o))
    if (http) results.http = http
  }
  if (wants('outage')) {
    // The same load as the soak (or a fixed 2,000 req/s when the soak did not run).
    const rate = http?.targetRps ?? 2000
    const outage: OutageSummary | undefined = await guarded('outage', `Redis outage under load (${rate} req/s, private redis-server)`, () => runOutage(gen, o, rate))
    if (outage) results.outage = outage
  }
  if (wants('ws')) {
    const ws: WsSoakSummary | undefined = await guarded('ws', `WebSocket soak: ${o.wsConnections} sockets, ${o.wsRooms} rooms, ${o.durationS} s`, () => runWsSoak(gen, o))
    if (ws) results.ws = ws
  }
} finally {
  await gen.stop()
}

results.tookS = (Date.now() - started) / 1000
results.goals = goalsOf(results)
const header = `Run ${results.date} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; took ${results.tookS.toFixed(0)} s${o.quick ? ' (--quick: a smoke run, not for publishing)' : ''}`
console.log(`\n${header}\n\n${renderTable(results)}\n`)
for (const [id, why] of Object.entries(results.failures)) console.log(`✖ ${id} failed: ${why}`)
if (o.write) {
  const dir = fileURLToPath(new URL('../../results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}soak.json`, JSON.stringify(results, null, 2) + '\n')
  writeFileSync(fileURLToPath(new URL('../../SOAK.md', import.meta.url)), renderMarkdown(results))
  console.error('wrote bench/results/soak.json and bench/SOAK.md')
}
clearTimeout(watchdog)
const missed = results.goals.filter((g) => g.met === false).length + Object.keys(results.failures).length
process.exit(missed ? 1 : 0)
