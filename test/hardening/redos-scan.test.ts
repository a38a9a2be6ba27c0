/**
 * No regex in src/ backtracks super-linearly: every regex literal (and every `new RegExp` of a
 * string literal) is run through the `recheck` ReDoS checker, and anything not `safe` fails,
 * `unknown` included. A hand-built attack string would only test the patterns someone thought of.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { check } from 'recheck'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

interface Found {
  where: string
  source: string
  flags: string
}

const root = join(import.meta.dirname, '../../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|tsx|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

function regexesIn(file: string): Found[] {
  const text = readFileSync(file, 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: Found[] = []
  const where = (node: ts.Node) => `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`
  const visit = (node: ts.Node): void => {
    if (ts.isRegularExpressionLiteral(node)) {
      const literal = node.text
      const end = literal.lastIndexOf('/')
      found.push({ where: where(node), source: literal.slice(1, end), flags: literal.slice(end + 1) })
    } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const [pattern, flags] = node.arguments ?? []
      if (pattern && ts.isStringLiteralLike(pattern)) {
        found.push({ where: where(node), source: pattern.text, flags: flags && ts.isStringLiteralLike(flags) ? flags.text : '' })
      } else {
        // A pattern built at run time cannot be checked here: it must not exist in src/.
        found.push({ where: where(node), source: '<dynamic>', flags: '' })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found
}

describe('ReDoS scan of src/', () => {
  it('every regex literal in src/ is safe by recheck', async () => {
    const regexes = sourceFiles(root).flatMap(regexesIn)
    expect(regexes.length).toBeGreaterThan(20)
    const verdicts = await Promise.all(
      regexes.map(async (r) => {
        if (r.source === '<dynamic>') return { ...r, status: 'dynamic pattern' }
        const diagnostics = await check(r.source, r.flags, { timeout: 20_000 })
        const detail = diagnostics.status === 'vulnerable' ? ` ${diagnostics.complexity.type}, attack ${JSON.stringify(diagnostics.attack.pattern)}` : ''
        return { ...r, status: diagnostics.status + detail }
      }),
    )
    const unsafe = verdicts.filter((v) => v.status !== 'safe')
    console.log(`ReDoS scan: ${regexes.length} regexes in ${sourceFiles(root).length} files, ${unsafe.length} unsafe`)
    expect(unsafe.map((v) => `${v.where} /${v.source}/${v.flags}: ${v.status}`)).toEqual([])
  }, 120_000)

  it('finds a known-vulnerable pattern when one is planted (the scan can fail)', async () => {
    const planted = regexesIn(join(import.meta.dirname, 'redos-planted.fixture.ts'))
    expect(planted.map((r) => r.source)).toEqual(['^[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?$|^(\\d+)+x$'])
    const diagnostics = await check(planted[0]!.source, planted[0]!.flags, { timeout: 20_000 })
    expect(diagnostics.status).toBe('vulnerable')
  }, 60_000)
})
