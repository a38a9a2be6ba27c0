/**
 * Type-check cost of an N-function router plus a client that uses it, for each framework, with
 * the same compiler options and, in turn, each TypeScript the project supports (5.9, 6.0, 7.0).
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { clientSource, routerSource, TSCONFIG, type Subject as Generated } from '../gen/routers.ts'
import { ratioGoal, row, type Goal, type Row, type ScenarioResult } from '../lib/report.ts'
import { median, pairedRatios } from '../lib/stats.ts'
import { supportedCompilers, type Compiler } from '../lib/compilers.ts'
import type { BenchOptions } from '../main.ts'
import { rotation } from './http.ts'

const run = promisify(execFile)
const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const GEN = fileURLToPath(new URL('../../.gen/typecheck/', import.meta.url))
const PEAK = fileURLToPath(new URL('../lib/peak-rss.py', import.meta.url))

/**
 * `mizan` consumes the package as an app does: `mizan-ts/server` and `mizan-ts/client`, whose
 * exports map gives TypeScript the declaration files `npm pack` builds (dist/types), as tRPC's
 * and oRPC's packages give theirs. `mizan-src` imports this repo's src/ instead, so the library's
 * own implementation is type-checked too (a reference row, not a goal). `zod` is the floor: the
 * same schemas and handlers with no framework.
 */
type Subject = Generated | 'mizan-src'
const SUBJECTS: Subject[] = ['mizan', 'trpc', 'orpc', 'zod', 'mizan-src']
const GOAL_SUBJECTS: Subject[] = ['mizan', 'trpc', 'orpc', 'zod']
const OLDEST_ROUNDS = 5
const LABELS: Record<Subject, string> = {
  mizan: 'Mizan',
  trpc: 'tRPC 11',
  orpc: 'oRPC',
  zod: 'No framework (Zod + handlers)',
  'mizan-src': 'Mizan, checked from source',
}

export interface TscResult {
  checkS: number
  totalS: number
  memoryKB: number
  peakRssKB: number
  types: number
  instantiations: number
}

/**
 * Installs this repo as `mizan-ts` for the generated projects (a link in .gen/typecheck/
 * node_modules, as `npm link` makes) and builds its declaration files, as `npm pack` does.
 */
export async function installMizan(): Promise<void> {
  await run('npm', ['run', 'build:types'], { cwd: REPO, maxBuffer: 1 << 24 })
  if (!existsSync(`${REPO}dist/types/server/index.d.ts`)) throw new Error('npm run build:types left no dist/types/server/index.d.ts')
  mkdirSync(`${GEN}node_modules`, { recursive: true })
  rmSync(`${GEN}node_modules/mizan-ts`, { force: true, recursive: true })
  // .gen/typecheck/node_modules/mizan-ts → the repo root, four levels up.
  symlinkSync('../../../..', `${GEN}node_modules/mizan-ts`, 'dir')
}

export function generate(subject: Subject, n: number): string {
  const dir = `${GEN}${subject}-${n}/`
  mkdirSync(dir, { recursive: true })
  const fw = subject === 'mizan-src' ? 'mizan' : subject
  // .gen/typecheck/<subject>-<n>/ → repo root is four levels up.
  const mizanRoot = subject === 'mizan-src' ? '../../../../src' : 'mizan-ts'
  writeFileSync(`${dir}router.ts`, routerSource(fw, n, mizanRoot))
  writeFileSync(`${dir}client.ts`, clientSource(fw, n, mizanRoot))
  writeFileSync(`${dir}tsconfig.json`, JSON.stringify(TSCONFIG, null, 2))
  return dir
}

/** Type errors seen inside src/ itself during the run (reported in the notes). */
export const srcErrors = new Set<string>()

export async function typecheck(compiler: Compiler, dir: string): Promise<TscResult> {
  let stdout = ''
  let stderr = ''
  try {
    ;({ stdout, stderr } = await run('python3', [PEAK, ...compiler.command, '-p', `${dir}tsconfig.json`, '--extendedDiagnostics'], { maxBuffer: 1 << 24, timeout: 300_000 }))
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

interface Measured {
  rows: Row[]
  goals: Goal[]
  floorNote?: string
  /** Set when the time budget left fewer rounds than planned. */
  cutNote?: string
}

/**
 * Whether another round of `lastRoundMs` still ends before the run's deadline, keeping
 * `reserveMs` for the compilers still to come (each runs at least one round whatever the clock).
 */
function timeForAnother(o: BenchOptions, lastRoundMs: number, reserveMs: number): boolean {
  return Date.now() + lastRoundMs + reserveMs <= o.deadline
}

/**
 * One compiler, one N: every subject checked `rounds` times, interleaved. `ratios` adds the floor
 * note (it needs the four goal subjects), `goals` the goal rows.
 */
async function measure(compiler: Compiler, n: number, planned: number, subjects: Subject[], { ratios = false, goals = false, reserveMs = 0 }, o: BenchOptions): Promise<Measured> {
  const r = Object.fromEntries(subjects.map((subject) => [subject, [] as TscResult[]])) as Record<Subject, TscResult[]>
  const dirs = Object.fromEntries(subjects.map((subject) => [subject, generate(subject, n)])) as Record<Subject, string>
  let rounds = 0
  let lastRoundMs = 0
  while (rounds < planned && (rounds === 0 || timeForAnother(o, lastRoundMs, reserveMs))) {
    const roundStarted = Date.now()
    for (const subject of rotation(subjects, rounds)) {
      const result = await typecheck(compiler, dirs[subject])
      r[subject].push(result)
      if (o.verbose) console.error(`  ${compiler.name} ${subject} N=${n}: check ${result.checkS}s, ${Math.round(result.peakRssKB / 1024)} MB peak, ${result.types} types`)
    }
    rounds++
    lastRoundMs = Date.now() - roundStarted
  }
  const at = `N=${n}, ${compiler.name}`
  const cutNote = rounds < planned ? `${at}: ${rounds} of ${planned} rounds; one more (${(lastRoundMs / 1000).toFixed(0)} s) would have ended the run past its time budget.` : undefined
  const rows = subjects.flatMap((subject) => {
    const s = r[subject]
    const label = `${LABELS[subject]}, ${at}`
    return [
      row('typecheck', label, 'check time', 's', s.map((x) => x.checkS), `total ${median(s.map((x) => x.totalS)).toFixed(2)} s`),
      row('typecheck', label, 'peak RSS', 'MB', s.map((x) => x.peakRssKB * 1024), `tsc "Memory used" ${Math.round(median(s.map((x) => x.memoryKB)) / 1024)} MB`),
      row('typecheck', label, 'types', '', s.map((x) => x.types), `${median(s.map((x) => x.instantiations)).toLocaleString('en-US')} instantiations`),
    ]
  })
  if (!ratios) return { rows, goals: [], ...(cutNote ? { cutNote } : {}) }
  const c = (subject: Subject) => r[subject].map((x) => x.checkS)
  const m = (subject: Subject) => r[subject].map((x) => x.peakRssKB)
  const ratio = (a: number[], b: number[]) => median(pairedRatios(a, b)).toFixed(2)
  const id = compiler.name.replace(/\W+/g, '').toLowerCase()
  return {
    rows,
    ...(cutNote ? { cutNote } : {}),
    floorNote: `The floor, ${at}${rounds === 1 ? ' (one round)' : ''}: with no framework at all the same schemas and handlers take ${ratio(c('zod'), c('trpc'))} of tRPC's check time and ${ratio(m('zod'), m('trpc'))} of its peak memory (${ratio(c('zod'), c('orpc'))} and ${ratio(m('zod'), m('orpc'))} of oRPC's); Mizan takes ${ratio(c('mizan'), c('zod'))}× the floor's check time and ${ratio(m('mizan'), m('zod'))}× its peak memory.`,
    goals: !goals ? [] : [
      ratioGoal(`tsc-time-orpc-${id}`, `Type-check time, ${at}, ÷ oRPC`, '≤ 0.7', pairedRatios(c('mizan'), c('orpc')), (v) => v <= 0.7),
      ratioGoal(`tsc-time-trpc-${id}`, `Type-check time, ${at}, ÷ tRPC`, '≤ 0.5', pairedRatios(c('mizan'), c('trpc')), (v) => v <= 0.5),
      ratioGoal(`tsc-mem-orpc-${id}`, `Type-check peak memory, ${at}, ÷ oRPC`, '≤ 0.7', pairedRatios(m('mizan'), m('orpc')), (v) => v <= 0.7),
      ratioGoal(`tsc-mem-trpc-${id}`, `Type-check peak memory, ${at}, ÷ tRPC`, '≤ 0.5', pairedRatios(m('mizan'), m('trpc')), (v) => v <= 0.5),
    ],
  }
}

/**
 * What each compiler runs, to keep a full run under 10 minutes: the native compiler (7.x, about
 * three times faster) every N with the from-source reference, and the largest N in 3 rounds; the
 * oldest JavaScript compiler (5.9) the largest N in 5 rounds (a 5–10 s tsc run swings as much as
 * a req/s round); the JavaScript compiler in between (6.0, the same checker with new defaults)
 * the largest N once, a check that it agrees. Goals are read for the oldest and the newest.
 * The oldest runs last: on a slow machine the time budget cuts its extra rounds, never another
 * compiler's only one.
 */
interface Plan {
  compiler: Compiler
  sweep: boolean
  rounds: number
  goals: boolean
}

function plans(compilers: Compiler[]): Plan[] {
  const oldest = compilers[0]
  return compilers.map((compiler) =>
    compiler.native
      ? { compiler, sweep: true, rounds: 3, goals: true }
      : compiler === oldest
        ? { compiler, sweep: false, rounds: OLDEST_ROUNDS, goals: true }
        : { compiler, sweep: false, rounds: 1, goals: false },
  )
}

/** Kept back for each JavaScript compiler still to run: its first round at N = 3,000 on a slow machine. */
const JS_ROUND_RESERVE_MS = 60_000

export async function runTypecheck(o: BenchOptions): Promise<ScenarioResult> {
  const sizes = o.quick ? [100, 1000] : [100, 1000, 3000]
  const largest = Math.max(...sizes)
  const compilers = supportedCompilers()
  await installMizan()
  const planned = plans(compilers)
  const byCompiler = new Map<Compiler, Measured[]>(compilers.map((c) => [c, []]))
  // The oldest runs last (see `plans`); results are reported in the compilers' own order.
  const ordered = [...planned.slice(1), ...planned.slice(0, 1)]
  for (const [index, plan] of ordered.entries()) {
    const { compiler, rounds } = plan
    const into = byCompiler.get(compiler)!
    const reserveMs = ordered.slice(index + 1).filter((later) => !later.compiler.native).length * JS_ROUND_RESERVE_MS
    if (plan.sweep) for (const n of sizes.filter((size) => size < largest)) into.push(await measure(compiler, n, 1, SUBJECTS, {}, o))
    into.push(await measure(compiler, largest, rounds, GOAL_SUBJECTS, { ratios: true, goals: plan.goals, reserveMs }, o))
    if (plan.sweep) into.push(await measure(compiler, largest, 1, ['mizan-src'], {}, o))
  }
  const measured = [...byCompiler.values()].flat()
  const described = planned.map((p) => `${p.compiler.name}: ${p.sweep ? `N=${sizes.join(', ')} (the largest ${p.rounds} rounds, the from-source reference once)` : `N=${largest}, ${p.rounds === 1 ? 'one round' : `${p.rounds} rounds`}`}${p.goals ? ', goals read' : ', no goal rows'}`).join('; ')
  const notes = [
    `Each project is router.ts (N functions, each with its own z.object input) + client.ts (calls 9 of them and uses the typed results), checked by \`tsc -p --extendedDiagnostics\` with the repo's compiler options and skipLibCheck, by each TypeScript the project supports: ${compilers.map((c) => c.version).join(', ')} (7.x is the native compiler, which checks in parallel on its own threads; its check time is wall time). Peak RSS is the compiler process's maxRSS.`,
    `What each compiler runs: ${described}. They run in the order ${ordered.map((p) => p.compiler.name).join(', ')}, and a round that would end the run past its time budget (\`--budget\`, ${o.budgetS} s in this run) is not started, beyond each compiler's first.`,
    "Each library is consumed as its package gives it: tRPC's and oRPC's shipped .d.ts, Mizan's declaration files from dist/types (its exports map's `types` condition; `npm run build:types`, run on prepack, builds them; the bench links the repo as node_modules/mizan-ts). \"Mizan, checked from source\" imports the repo's src/ instead, so Mizan's own implementation is type-checked as well: that is the fixed cost the declaration files remove.",
    "No framework: each function is its schema and its handler (`fn(schema, handler)`, the input typed by the schema's own `_zod.output`) and the client passes each call the function value itself, so there is no router type and no union of keys: what the same Zod schemas and handlers cost alone.",
    ...measured.flatMap((x) => (x.floorNote ? [x.floorNote] : [])),
    ...measured.flatMap((x) => (x.cutNote ? [x.cutNote] : [])),
  ]
  if (srcErrors.size) notes.push(`The library's own src/ had type errors during this run (work in progress elsewhere; measured anyway): ${[...srcErrors].join('; ')}.`)
  return {
    id: 'typecheck',
    title: 'Type-check cost (tsc --noEmit --extendedDiagnostics)',
    settings: { sizes, compilers: compilers.map((c) => c.version) },
    rows: measured.flatMap((x) => x.rows),
    goals: measured.flatMap((x) => x.goals),
    notes,
  }
}
