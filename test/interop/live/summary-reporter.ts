/**
 * Vitest reporter for `npm run test:interop`: after the run, one table of test cases per file
 * (run, passed, failed, skipped) and the reason of every skip and failure. Use it next to a
 * normal reporter: `vitest run test/interop --reporter=default --reporter=./test/interop/live/summary-reporter.ts`.
 * A skip's reason is the note given to `ctx.skip(note)`; `it.skip`/`it.todo` without one say so.
 * A test that covers many cases (a golden replay) can report the ones it left out with
 * `await ctx.annotate('<case>: <reason>', 'interop-skip')`; annotations whose type starts with
 * `interop` are listed under the table.
 */
import type { Reporter, SerializedError, TestCase, TestModule, Vitest } from 'vitest/node'

interface Row {
  file: string
  run: number
  passed: number
  failed: number
  skipped: number
  seconds: number
}

const firstLine = (text: string | undefined) => (text ?? '').split('\n')[0]!.trim()

function skipReason(test: TestCase): string {
  const result = test.result()
  if (result.state === 'skipped' && result.note) return result.note
  const mode = test.options.mode
  if (mode === 'todo') return 'todo'
  if (mode === 'skip') return 'it.skip (no reason given)'
  return 'not run (filtered, `.only` elsewhere, or its suite failed to start)'
}

/** The first error of the test's enclosing suites or file, if one failed (e.g. in beforeAll). */
function setupFailure(test: TestCase): string | undefined {
  if (test.result().state !== 'skipped' && test.result().state !== 'pending') return undefined
  for (let at: TestCase['parent'] | undefined = test.parent; at; at = at.type === 'suite' ? at.parent : undefined) {
    const error = at.errors()[0]
    if (error) return firstLine(error.message)
  }
  return undefined
}

export function formatTable(rows: Row[]): string {
  const headers = ['file', 'run', 'passed', 'failed', 'skipped', 'time']
  const cells = rows.map((r) => [r.file, String(r.run), String(r.passed), String(r.failed), String(r.skipped), `${r.seconds.toFixed(1)}s`])
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
  const rule = widths.map((w) => '─'.repeat(w)).join('  ')
  const body = cells.slice(0, -1).map(line)
  return [line(headers), rule, ...body, rule, line(cells.at(-1)!)].join('\n')
}

export default class InteropSummaryReporter implements Reporter {
  private vitest: Vitest | undefined

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const rows: Row[] = []
    const skips: string[] = []
    const failures: string[] = []
    const notes: string[] = []
    for (const module of [...testModules].sort((a, b) => a.relativeModuleId.localeCompare(b.relativeModuleId))) {
      const row: Row = { file: module.relativeModuleId, run: 0, passed: 0, failed: 0, skipped: 0, seconds: module.diagnostic().duration / 1000 }
      for (const test of module.children.allTests()) {
        const result = test.result()
        const where = `${module.relativeModuleId} › ${test.fullName}`
        for (const note of test.annotations()) if (note.type.startsWith('interop')) notes.push(`[${note.type}] ${where}\n      ${note.message}`)
        if (result.state === 'passed') {
          row.run++
          row.passed++
        } else if (result.state === 'failed') {
          row.run++
          row.failed++
          failures.push(`${where}\n      ${firstLine(result.errors[0]?.message)}`)
        } else if (setupFailure(test)) {
          // Its beforeAll (or the file's import) failed: a failure, not a skip.
          row.run++
          row.failed++
          failures.push(`${where}\n      not run: setup failed: ${setupFailure(test)}`)
        } else {
          row.skipped++
          skips.push(`${where}\n      ${skipReason(test)}`)
        }
      }
      // Errors no test carries: an afterAll, or a file that failed to import (and has no tests).
      for (const holder of [module, ...module.children.allSuites()]) {
        if ([...holder.children.allTests()].some((t) => setupFailure(t) !== undefined)) continue
        for (const error of holder.errors()) {
          row.run++ // counted as a failed case, so that run = passed + failed
          row.failed++
          failures.push(`${module.relativeModuleId} › ${holder.type === 'module' ? '(file)' : holder.fullName} (hook)\n      ${firstLine(error.message)}`)
        }
      }
      rows.push(row)
    }
    const total = rows.reduce<Row>(
      (sum, r) => ({ ...sum, run: sum.run + r.run, passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped, seconds: sum.seconds + r.seconds }),
      { file: `total (${rows.length} files)`, run: 0, passed: 0, failed: 0, skipped: 0, seconds: 0 },
    )
    const out: string[] = ['', 'Interop summary', formatTable([...rows, total])]
    if (skips.length) out.push('', `Skipped (${skips.length}):`, ...skips.map((s) => `  - ${s}`))
    if (notes.length) out.push('', `Notes from tests (${notes.length}):`, ...notes.map((n) => `  - ${n}`))
    if (failures.length) out.push('', `Failed (${failures.length}):`, ...failures.map((f) => `  - ${f}`))
    if (unhandledErrors.length) out.push('', `Unhandled errors: ${unhandledErrors.length}`)
    const pct = total.run ? ((100 * total.passed) / total.run).toFixed(1) : '0.0'
    out.push('', `${total.passed}/${total.run} run cases passed (${pct}%), ${total.skipped} skipped`, '')
    const text = out.join('\n')
    if (this.vitest) this.vitest.logger.log(text)
    else process.stdout.write(text + '\n')
  }
}
