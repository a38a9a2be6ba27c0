/**
 * A small KDL v2 reader: nodes, string/number/keyword arguments, `key=value` properties,
 * children, comments and slashdash. That covers every document the IR grammar produces
 * (and hand edits of it) without pulling a KDL dependency into the CLI.
 * Not supported: multi-line `"""` strings and non-decimal number literals.
 */
import { IrError } from './ir-model.ts'

export type KdlValue = string | number | boolean | null

export interface KdlNode {
  name: string
  args: KdlValue[]
  props: Record<string, KdlValue>
  children: KdlNode[]
  line: number
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', b: '\b', f: '\f', s: ' ', '/': '/' }
const KEYWORDS: Record<string, KdlValue> = { '#true': true, '#false': false, '#null': null, '#inf': Infinity, '#-inf': -Infinity, '#nan': NaN }
const BARE_STOP = /[\s(){}[\]/\\"#;=]/
const NUMBER = /^[+-]?\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d[\d_]*)?$/

class Cursor {
  pos = 0
  line = 1
  constructor(readonly text: string) {}

  get ch(): string {
    return this.text[this.pos] ?? ''
  }

  fail(message: string): never {
    throw new IrError(`KDL line ${this.line}: ${message}`)
  }

  advance(n = 1): void {
    for (let i = 0; i < n; i++) if (this.text[this.pos++] === '\n') this.line++
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos)
  }

  /** Skips blanks, comments and line continuations; stops at a newline when `newlines` is false. */
  skip(newlines: boolean): void {
    for (;;) {
      const ch = this.ch
      if (ch === ' ' || ch === '\t' || ch === '\uFEFF' || (newlines && (ch === '\n' || ch === '\r'))) this.advance()
      else if (this.startsWith('//')) while (this.ch && this.ch !== '\n') this.advance()
      else if (this.startsWith('/*')) this.blockComment()
      else if (ch === '\\') {
        this.advance()
        this.skip(false)
        if (this.ch === '\r') this.advance()
        if (this.ch === '\n') this.advance()
      } else return
    }
  }

  private blockComment(): void {
    let depth = 0
    do {
      if (!this.ch) this.fail('unterminated comment')
      if (this.startsWith('/*')) (depth++, this.advance(2))
      else if (this.startsWith('*/')) (depth--, this.advance(2))
      else this.advance()
    } while (depth > 0)
  }
}

function readQuoted(c: Cursor): string {
  c.advance()
  let out = ''
  for (;;) {
    const ch = c.ch
    if (!ch) c.fail('unterminated string')
    if (ch === '"') return (c.advance(), out)
    if (ch !== '\\') {
      out += ch
      c.advance()
      continue
    }
    c.advance()
    const esc = c.ch
    if (esc in SIMPLE_ESCAPES) (out += SIMPLE_ESCAPES[esc], c.advance())
    else if (esc === 'u') {
      const match = /^u\{([0-9a-fA-F]{1,6})\}/.exec(c.text.slice(c.pos))
      if (!match) c.fail('bad \\u escape')
      out += String.fromCodePoint(parseInt(match[1]!, 16))
      c.advance(match[0].length)
    } else if (/\s/.test(esc)) while (/\s/.test(c.ch)) c.advance()
    else c.fail(`unknown escape \\${esc}`)
  }
}

function readRaw(c: Cursor): string {
  let hashes = 0
  while (c.ch === '#') (hashes++, c.advance())
  if (c.ch !== '"') c.fail('expected a raw string')
  const close = `"${'#'.repeat(hashes)}`
  const end = c.text.indexOf(close, c.pos + 1)
  if (end < 0) c.fail('unterminated raw string')
  const value = c.text.slice(c.pos + 1, end)
  c.advance(end + close.length - c.pos)
  return value
}

function readBare(c: Cursor): string {
  const start = c.pos
  while (c.ch && !BARE_STOP.test(c.ch)) c.advance()
  if (c.pos === start) c.fail(`unexpected character '${c.ch}'`)
  return c.text.slice(start, c.pos)
}

/** A string token (quoted, raw or bare) and whether it was bare, since bare words may be numbers. */
function readWord(c: Cursor): { text: string; bare: boolean } {
  if (c.startsWith('"""')) c.fail('multi-line strings are not supported')
  if (c.ch === '"') return { text: readQuoted(c), bare: false }
  if (c.ch === '#') return { text: readRaw(c), bare: false }
  return { text: readBare(c), bare: true }
}

const isKeywordStart = (c: Cursor) => c.ch === '#' && !/^#+"/.test(c.text.slice(c.pos))

function readKeyword(c: Cursor): KdlValue {
  const keyword = /^#[-\w]+/.exec(c.text.slice(c.pos))?.[0]
  if (!keyword || !(keyword in KEYWORDS)) c.fail(`unknown keyword '${keyword ?? '#'}'`)
  c.advance(keyword.length)
  return KEYWORDS[keyword]!
}

const wordValue = (word: { text: string; bare: boolean }): KdlValue =>
  word.bare && NUMBER.test(word.text) ? Number(word.text.replace(/_/g, '')) : word.text

const readValue = (c: Cursor): KdlValue => (isKeywordStart(c) ? readKeyword(c) : wordValue(readWord(c)))

function skipTypeAnnotation(c: Cursor): void {
  if (c.ch !== '(') return
  const end = c.text.indexOf(')', c.pos)
  if (end < 0) c.fail('unterminated type annotation')
  c.advance(end + 1 - c.pos)
}

function readNode(c: Cursor): KdlNode {
  skipTypeAnnotation(c)
  const node: KdlNode = { name: readWord(c).text, args: [], props: {}, children: [], line: c.line }
  for (;;) {
    c.skip(false)
    const ch = c.ch
    if (!ch || ch === '\n' || ch === '\r' || ch === ';' || ch === '}') return node
    const dropped = c.startsWith('/-')
    if (dropped) (c.advance(2), c.skip(false))
    if (c.ch === '{') {
      c.advance()
      const children = readNodes(c, true)
      if (!dropped) node.children.push(...children)
      continue
    }
    skipTypeAnnotation(c)
    if (isKeywordStart(c)) {
      const value = readKeyword(c)
      if (!dropped) node.args.push(value)
      continue
    }
    const word = readWord(c)
    if (c.ch === '=') {
      c.advance()
      skipTypeAnnotation(c)
      const value = readValue(c)
      if (!dropped) node.props[word.text] = value
    } else if (!dropped) node.args.push(wordValue(word))
  }
}

function readNodes(c: Cursor, nested: boolean): KdlNode[] {
  const nodes: KdlNode[] = []
  for (;;) {
    c.skip(true)
    while (c.ch === ';') (c.advance(), c.skip(true))
    if (!c.ch) {
      if (nested) c.fail("missing '}'")
      return nodes
    }
    if (c.ch === '}') {
      if (!nested) c.fail("unexpected '}'")
      c.advance()
      return nodes
    }
    const dropped = c.startsWith('/-')
    if (dropped) (c.advance(2), c.skip(true))
    const node = readNode(c)
    if (!dropped) nodes.push(node)
  }
}

export function parseKdl(text: string): KdlNode[] {
  return readNodes(new Cursor(text), false)
}
