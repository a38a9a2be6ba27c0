/**
 * The KDL IR as data (docs/PROTOCOL.md §11), shared by the exporter, the reader and the
 * contract converter, so each of them deals with structure and only `renderIr` with text.
 */

export type IrPrimitive = 'integer' | 'number' | 'boolean' | 'string'

export type IrShape =
  | { kind: 'primitive'; name: IrPrimitive }
  | { kind: 'ref'; name: string }
  | { kind: 'enum'; values: string[] }
  | { kind: 'list'; of: IrShape }
  | { kind: 'optional'; of: IrShape }
  | { kind: 'union'; branches: IrShape[] }

/** Only scalars: the reference drops any other default (lists, models, `None`). */
export type IrLiteral = string | number | boolean

export interface IrField {
  name: string
  required: boolean
  default?: IrLiteral
  shape: IrShape
}

export type IrType =
  | { name: string; kind: 'struct'; fields: IrField[] }
  | { name: string; kind: 'alias'; shape: IrShape }

export type IrTransport = 'http' | 'websocket'
export type IrFormRole = 'schema' | 'validate' | 'submit'

export interface IrFunction {
  /** The wire name. */
  name: string
  camel: string
  hasInput: boolean
  input?: string
  output: string
  outputNullable: boolean
  transport: IrTransport
  context?: string
  affects: string[]
  merge: string[]
  form?: { name?: string; role?: string }
  /**
   * Mizan-TS extension, written only by `exportIr(router, { policies: true })`: the gate and
   * cache policy the reference's IR leaves out. A reader of the reference's IR never sees them.
   */
  auth?: 'required' | 'staff' | 'superuser'
  rev?: number
  cache?: number | boolean
  /** Errors the function declares (`defineErrors`), a Mizan-TS extension: the reference declares none. */
  errors?: IrDeclaredError[]
}

export interface IrDeclaredError {
  code: string
  status: number
  /** The type of its `details`, when it has a schema. */
  details?: string
}

export interface IrContextParam {
  name: string
  type: IrPrimitive
  required: boolean
  sharedBy: string[]
}

export interface IrContext {
  name: string
  functions: string[]
  params: IrContextParam[]
}

export interface IrChannel {
  name: string
  pascalName: string
  params?: string
  clientMessage?: string
  serverMessage?: string
}

export interface IrDocument {
  types: IrType[]
  functions: IrFunction[]
  contexts: IrContext[]
  channels: IrChannel[]
}

export class IrError extends Error {
  override readonly name = 'IrError'
}

/** Python sorts with `sorted()`, i.e. by code point; JS `<` compares UTF-16 units, which differs past U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d !== 0) return d
  }
  return x.length - y.length
}

export function byName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareCodePoints(a.name, b.name))
}

export const sortedNames = (names: readonly string[]): string[] => [...names].sort(compareCodePoints)

/** The reference escapes exactly these five characters and nothing else. */
export function kdlString(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (ch) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[ch] ?? ch)
  return `"${escaped}"`
}

const kdlBool = (value: boolean) => (value ? '#true' : '#false')

/**
 * Numbers as Python prints them: integers in full, floats in `repr` form (which switches to
 * exponent notation outside 1e-4 ≤ |x| < 1e16 and pads the exponent to two digits).
 */
export function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf'
  if (Number.isInteger(value)) return BigInt(value).toString()
  const [mantissa = '', exp = '0'] = value.toExponential().split('e')
  const exponent = Number(exp)
  if (exponent >= -4 && exponent < 16) return String(value)
  const sign = exponent < 0 ? '-' : '+'
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`
}

function literal(value: IrLiteral): string {
  if (typeof value === 'string') return kdlString(value)
  if (typeof value === 'boolean') return kdlBool(value)
  return pythonNumber(value)
}

function shapeLines(shape: IrShape, depth: number, out: string[]): void {
  const pad = '    '.repeat(depth)
  switch (shape.kind) {
    case 'primitive':
      out.push(`${pad}primitive ${kdlString(shape.name)}`)
      return
    case 'ref':
      out.push(`${pad}ref ${kdlString(shape.name)}`)
      return
    case 'enum':
      out.push(`${pad}enum ${shape.values.map(kdlString).join(' ')}`)
      return
    case 'list':
    case 'optional':
      out.push(`${pad}${shape.kind} {`)
      shapeLines(shape.of, depth + 1, out)
      out.push(`${pad}}`)
      return
    case 'union':
      out.push(`${pad}union {`)
      for (const branch of shape.branches) shapeLines(branch, depth + 1, out)
      out.push(`${pad}}`)
  }
}

export function renderType(type: IrType): string[] {
  const out = [`type ${kdlString(type.name)} {`]
  if (type.kind === 'struct') {
    out.push('    struct {')
    for (const field of type.fields) {
      const required = field.required ? '' : ` required=${kdlBool(false)}`
      const fallback = field.default === undefined ? '' : ` default=${literal(field.default)}`
      out.push(`        field ${kdlString(field.name)}${required}${fallback} {`)
      shapeLines(field.shape, 3, out)
      out.push('        }')
    }
    out.push('    }')
  } else {
    out.push('    alias {')
    shapeLines(type.shape, 2, out)
    out.push('    }')
  }
  out.push('}')
  return out
}

function renderFunction(fn: IrFunction): string[] {
  const out = [`function ${kdlString(fn.name)} {`, `    camel ${kdlString(fn.camel)}`, `    has-input ${kdlBool(fn.hasInput)}`]
  if (fn.input !== undefined) out.push(`    input ${kdlString(fn.input)}`)
  out.push(`    output ${kdlString(fn.output)}`)
  if (fn.outputNullable) out.push(`    output-nullable ${kdlBool(true)}`)
  out.push(`    transport ${kdlString(fn.transport)}`)
  if (fn.context !== undefined) out.push(`    context ${kdlString(fn.context)}`)
  for (const target of fn.affects) out.push(`    affects ${kdlString(target)}`)
  for (const target of fn.merge) out.push(`    merge ${kdlString(target)}`)
  if (fn.form) {
    out.push(`    is-form ${kdlBool(true)}`)
    if (fn.form.name) out.push(`    form-name ${kdlString(fn.form.name)}`)
    if (fn.form.role) out.push(`    form-role ${kdlString(fn.form.role)}`)
  }
  if (fn.auth !== undefined) out.push(`    auth ${kdlString(fn.auth)}`)
  if (fn.rev !== undefined) out.push(`    rev ${fn.rev}`)
  if (fn.cache !== undefined) out.push(`    cache ${typeof fn.cache === 'boolean' ? kdlBool(fn.cache) : fn.cache}`)
  for (const error of fn.errors ?? []) {
    out.push(`    error ${kdlString(error.code)} {`, `        status ${error.status}`)
    if (error.details !== undefined) out.push(`        details ${kdlString(error.details)}`)
    out.push('    }')
  }
  out.push('}')
  return out
}

function renderContext(ctx: IrContext): string[] {
  const out = [`context ${kdlString(ctx.name)} {`]
  for (const fn of ctx.functions) out.push(`    function ${kdlString(fn)}`)
  for (const p of ctx.params) {
    out.push(`    param ${kdlString(p.name)} {`, `        type ${kdlString(p.type)}`, `        required ${kdlBool(p.required)}`)
    for (const sharer of p.sharedBy) out.push(`        shared-by ${kdlString(sharer)}`)
    out.push('    }')
  }
  out.push('}')
  return out
}

function renderChannel(ch: IrChannel): string[] {
  const out = [`channel ${kdlString(ch.name)} {`, `    pascal-name ${kdlString(ch.pascalName)}`]
  if (ch.params) out.push(`    params ${kdlString(ch.params)}`)
  if (ch.clientMessage) out.push(`    client-message ${kdlString(ch.clientMessage)}`)
  if (ch.serverMessage) out.push(`    server-message ${kdlString(ch.serverMessage)}`)
  out.push('}')
  return out
}

/**
 * The document text, in the order given (callers sort). Non-empty sections are separated by
 * one blank line, and every line ends with `\n`, as the reference's template renders them.
 */
export function renderIr(doc: IrDocument): string {
  const sections = [
    doc.types.flatMap(renderType),
    doc.functions.flatMap(renderFunction),
    doc.contexts.flatMap(renderContext),
    doc.channels.flatMap(renderChannel),
  ].filter((lines) => lines.length > 0)
  return sections.map((lines) => lines.map((line) => `${line}\n`).join('')).join('\n')
}
