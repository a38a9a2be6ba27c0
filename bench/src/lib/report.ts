import { fmt, summarize, type Summary } from './stats.ts'

export interface Row {
  scenario: string
  subject: string
  measure: string
  unit: string
  summary: Summary
  /** Printed beside the value (server CPU share, request counts, …). */
  note?: string
}

export interface Goal {
  id: string
  measure: string
  target: string
  /** `null` when it could not be measured here (say why in `note`). */
  value: number | null
  min?: number
  max?: number
  met: boolean | null
  display?: string
  note?: string
}

export interface ScenarioResult {
  id: string
  title: string
  settings: Record<string, unknown>
  rows: Row[]
  goals: Goal[]
  notes: string[]
  pending?: string
}

export function row(scenario: string, subject: string, measure: string, unit: string, values: number[], note?: string): Row {
  return { scenario, subject, measure, unit, summary: summarize(values), ...(note ? { note } : {}) }
}

export function ratioGoal(id: string, measure: string, target: string, ratios: number[], test: (median: number) => boolean, note?: string): Goal {
  const s = summarize(ratios)
  return { id, measure, target, value: s.median, min: s.min, max: s.max, met: Number.isFinite(s.median) ? test(s.median) : null, ...(note ? { note } : {}) }
}

export function pendingGoal(id: string, measure: string, target: string, why: string): Goal {
  return { id, measure, target, value: null, met: null, display: `pending: ${why}` }
}

function formatValue(unit: string, v: number): string {
  switch (unit) {
    case 'req/s':
      return fmt.int(v)
    case 'µs':
      return fmt.us(v)
    case 's':
      return fmt.s(v)
    case 'bytes':
      return fmt.kb(v)
    case 'MB':
      return fmt.mb(v)
    case 'x':
      return fmt.x(v)
    case 'instructions':
      return fmt.int(v)
    default:
      return Number.isFinite(v) ? (Number.isInteger(v) ? fmt.int(v) : v.toFixed(2)) : '—'
  }
}

function table(header: string[], lines: string[][]): string {
  const out = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`]
  for (const line of lines) out.push(`| ${line.join(' | ')} |`)
  return out.join('\n')
}

export function renderMarkdown(results: ScenarioResult[]): string {
  const parts: string[] = []
  const goals = results.flatMap((r) => r.goals)
  parts.push('### Goals (issue #8)\n')
  parts.push(
    table(
      ['Measure', 'Goal', 'Result (median)', 'Range over rounds', 'Met'],
      goals.map((g) => [
        g.measure,
        g.target,
        g.display ?? (g.value === null ? '—' : formatGoalValue(g)),
        g.min !== undefined && g.max !== undefined && g.value !== null ? `${formatGoalNumber(g, g.min)} – ${formatGoalNumber(g, g.max)}` : '',
        g.met === null ? 'pending' : g.met ? '✅ yes' : '❌ no',
      ]),
    ),
  )
  for (const r of results) {
    parts.push(`\n### ${r.title}\n`)
    if (r.pending) parts.push(`_pending: ${r.pending}_\n`)
    if (r.rows.length) {
      parts.push(
        table(
          ['Subject', 'Measure', 'Median', 'Spread (±½ range)', 'Runs', 'Note'],
          r.rows.map((x) => [x.subject, x.measure, formatValue(x.unit, x.summary.median), x.summary.samples.length > 1 ? fmt.pct(x.summary.spreadPct) : '', String(x.summary.samples.length), x.note ?? '']),
        ),
      )
    }
    for (const note of r.notes) parts.push(`- ${note}`)
  }
  return parts.join('\n')
}

function formatGoalNumber(g: Goal, v: number): string {
  if (g.id.startsWith('bundle')) return fmt.kb(v)
  if (g.id === 'ctx-requests') return String(v)
  if (g.id === 'ws-conn-mem') return `${(v / 1024).toFixed(1)} kB`
  if (g.id === 'ws-conn-held') return fmt.int(v)
  return v.toFixed(2)
}

function formatGoalValue(g: Goal): string {
  return formatGoalNumber(g, g.value!)
}
