/**
 * Type-check cost of an N-function router plus a client that uses it, for each framework, with
 * the same TypeScript (bench's typescript 5.9.3) and the same compiler options.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { clientSource, routerSource, TSCONFIG, type Framework } from '../gen/routers.ts'
import { ratioGoal, row, type ScenarioResult } from '../lib/report.ts'
import { median, pairedRatios } from '../lib/stats.ts'
import type { BenchOptions } from '../main.ts'
import { rotation } from './http.ts'

const run = promisify(execFile)
const GEN = fileURLToPath(new URL('../../.gen/typecheck/', import.meta.url))
const TSC = fileURLToPath(new URL('../../node_modules/typescript/lib/tsc.js', import.meta.url))
const PEAK = fileURLToPath(new URL('../lib/tsc-peak.cjs', import.meta.url))
const FRAMEWORKS: Framework[] = ['mizan', 'trpc', 'orpc']

export interface TscResult {
  checkS: number
  totalS: number
  memoryKB: number
  peakRssKB: number
  types: number
  instantiations: number
}

export function generate(fw: Framework, n: number): string {
  const dir = `${GEN}${fw}-${n}/`
  mkdirSync(dir, { recursive: true })
  // .gen/typecheck/<fw>-<n>/ → repo root is four levels up.
  writeFileSync(`${dir}router.ts`, routerSource(fw, n, '../../../../src'))
  writeFileSync(`${dir}client.ts`, clientSource(fw, n, '../../../../src'))
  writeFileSync(`${dir}tsconfig.json`, JSON.stringify(TSCONFIG, null, 2))
  return dir
}

/** Type errors seen inside src/ itself during the run (reported in the notes). */
export const srcErrors = new Set<string>()

export async function typecheck(dir: string): Promise<TscResult> {
  let stdout = ''
  let stderr = ''
  try {
    ;({ stdout, stderr } = await run(process.execPath, [PEAK, TSC, '-p', `${dir}tsconfig.json`, '--extendedDiagnostics'], { maxBuffer: 1 << 24, timeout: 300_000 }))
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    stdout = e.stdout ?? ''
    stderr = e.stderr ?? ''
    // Errors in the generated router/client are fatal; errors inside the library's own src/
    // (a work-in-progress tree) do not change what is being measured, so they are only noted.
    const files = [...stdout.matchAll(/^(.+?)\(\d+,\d+\): error/gm)].map((m) => m[1]!)
    if (!files.length || files.some((f) => !f.includes('/src/'))) throw new Error(`tsc failed in ${dir}:\n${stdout.slice(0, 3000)}\n${stderr}`)
    srcErrors.add(files.join(', '))
  }
  const num = (label: string) => {
    const m = new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(stdout)
    if (!m) throw new Error(`no '${label}' in tsc output:\n${stdout}`)
    return Number(m[1])
  }
  return {
    checkS: num('Check time'),
    totalS: num('Total time'),
    memoryKB: num('Memory used'),
    types: num('Types'),
    instantiations: num('Instantiations'),
    peakRssKB: Number(/PEAK_RSS_KB (\d+)/.exec(stderr)?.[1] ?? NaN),
  }
}

export async function runTypecheck(o: BenchOptions): Promise<ScenarioResult> {
  const sizes = o.quick ? [100, 1000] : [100, 1000, 3000]
  const rows = []
  const goals = []
  const notes: string[] = []
  for (const n of sizes) {
    const rounds = n === Math.max(...sizes) ? 2 : 1
    const r: Record<Framework, TscResult[]> = { mizan: [], trpc: [], orpc: [] }
    const dirs = Object.fromEntries(FRAMEWORKS.map((fw) => [fw, generate(fw, n)])) as Record<Framework, string>
    for (let round = 0; round < rounds; round++) {
      for (const fw of rotation(FRAMEWORKS, round)) {
        const result = await typecheck(dirs[fw])
        r[fw].push(result)
        if (o.verbose) console.error(`  tsc ${fw} N=${n}: check ${result.checkS}s, ${Math.round(result.peakRssKB / 1024)} MB peak, ${result.types} types`)
      }
    }
    for (const fw of FRAMEWORKS) {
      const label = { mizan: 'Mizan', trpc: 'tRPC 11', orpc: 'oRPC' }[fw]
      const s = r[fw]
      rows.push(row('typecheck', `${label}, N=${n}`, 'check time', 's', s.map((x) => x.checkS), `total ${median(s.map((x) => x.totalS)).toFixed(2)} s`))
      rows.push(row('typecheck', `${label}, N=${n}`, 'peak RSS', 'MB', s.map((x) => x.peakRssKB * 1024), `tsc "Memory used" ${Math.round(median(s.map((x) => x.memoryKB)) / 1024)} MB`))
      rows.push(row('typecheck', `${label}, N=${n}`, 'types', '', s.map((x) => x.types), `${median(s.map((x) => x.instantiations)).toLocaleString('en-US')} instantiations`))
    }
    if (n === 3000 || (o.quick && n === 1000)) {
      const c = (fw: Framework) => r[fw].map((x) => x.checkS)
      const m = (fw: Framework) => r[fw].map((x) => x.peakRssKB)
      goals.push(
        ratioGoal('tsc-time-orpc', `Type-check time, N=${n}, ÷ oRPC`, '≤ 0.7', pairedRatios(c('mizan'), c('orpc')), (v) => v <= 0.7),
        ratioGoal('tsc-time-trpc', `Type-check time, N=${n}, ÷ tRPC`, '≤ 0.5', pairedRatios(c('mizan'), c('trpc')), (v) => v <= 0.5),
        ratioGoal('tsc-mem-orpc', `Type-check peak memory, N=${n}, ÷ oRPC`, '≤ 0.7', pairedRatios(m('mizan'), m('orpc')), (v) => v <= 0.7),
        ratioGoal('tsc-mem-trpc', `Type-check peak memory, N=${n}, ÷ tRPC`, '≤ 0.5', pairedRatios(m('mizan'), m('trpc')), (v) => v <= 0.5),
      )
    }
  }
  notes.push(
    'Each project is router.ts (N functions, each with its own z.object input) + client.ts (calls 9 of them and uses the typed results), checked by `tsc -p --extendedDiagnostics` (TypeScript 5.9.3, the repo\'s compiler options, skipLibCheck). Peak RSS is the tsc process\'s maxRSS.',
    "Mizan's library is checked from source (its package exports .ts), tRPC's and oRPC's from their shipped .d.ts; that is how each is consumed.",
  )
  if (srcErrors.size) notes.push(`The library's own src/ had type errors during this run (work in progress elsewhere; measured anyway): ${[...srcErrors].join('; ')}.`)
  return { id: 'typecheck', title: 'Type-check cost (tsc --noEmit --extendedDiagnostics)', settings: { sizes }, rows, goals, notes }
}
