/**
 * KDL IR text → IrDocument, checking the grammar as it goes so a malformed or newer IR fails
 * with the line at fault instead of producing a wrong contract.
 */
import type {
  IrChannel,
  IrContext,
  IrContextParam,
  IrDeclaredError,
  IrDocument,
  IrField,
  IrFunction,
  IrLiteral,
  IrPrimitive,
  IrShape,
  IrTransport,
  IrType,
} from './ir-model.ts'
import { IrError } from './ir-model.ts'
import { parseKdl, type KdlNode, type KdlValue } from './kdl-parse.ts'

const PRIMITIVES: readonly string[] = ['integer', 'number', 'boolean', 'string']

function fail(node: KdlNode, message: string): never {
  throw new IrError(`IR line ${node.line}, '${node.name}': ${message}`)
}

function text(node: KdlNode, value: KdlValue | undefined = node.args[0]): string {
  if (typeof value !== 'string') fail(node, 'expected a string argument')
  return value
}

function flag(node: KdlNode): boolean {
  const value = node.args[0]
  if (typeof value !== 'boolean') fail(node, 'expected #true or #false')
  return value
}

function wholeNumber(node: KdlNode): number {
  const value = node.args[0]
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(node, 'expected a whole number')
  return value
}

function only(node: KdlNode): KdlNode {
  if (node.children.length !== 1) fail(node, 'expected exactly one child shape')
  return node.children[0]!
}

function readShape(node: KdlNode): IrShape {
  switch (node.name) {
    case 'primitive': {
      const name = text(node)
      if (!PRIMITIVES.includes(name)) fail(node, `unknown primitive '${name}'`)
      return { kind: 'primitive', name: name as IrPrimitive }
    }
    case 'ref':
      return { kind: 'ref', name: text(node) }
    case 'enum':
      return { kind: 'enum', values: node.args.map((v) => text(node, v)) }
    case 'list':
    case 'optional':
      return { kind: node.name, of: readShape(only(node)) }
    case 'union':
      return { kind: 'union', branches: node.children.map(readShape) }
    default:
      return fail(node, 'unknown shape')
  }
}

function readField(node: KdlNode): IrField {
  if (node.name !== 'field') fail(node, "expected 'field'")
  const required = node.props['required']
  const fallback = node.props['default']
  if (required !== undefined && typeof required !== 'boolean') fail(node, 'required= must be #true or #false')
  if (fallback === null || (fallback !== undefined && typeof fallback === 'number' && !Number.isFinite(fallback))) fail(node, 'unsupported default')
  const field: IrField = { name: text(node), required: required ?? true, shape: readShape(only(node)) }
  if (fallback !== undefined) field.default = fallback as IrLiteral
  return field
}

function readType(node: KdlNode): IrType {
  const name = text(node)
  const body = only(node)
  if (body.name === 'struct') return { name, kind: 'struct', fields: body.children.map(readField) }
  if (body.name === 'alias') return { name, kind: 'alias', shape: readShape(only(body)) }
  return fail(body, "expected 'struct' or 'alias'")
}

function readFunction(node: KdlNode): IrFunction {
  const fn: IrFunction = { name: text(node), camel: '', hasInput: false, output: '', outputNullable: false, transport: 'http', affects: [], merge: [] }
  for (const child of node.children) {
    switch (child.name) {
      case 'camel':
        fn.camel = text(child)
        break
      case 'has-input':
        fn.hasInput = flag(child)
        break
      case 'input':
        fn.input = text(child)
        break
      case 'output':
        fn.output = text(child)
        break
      case 'output-nullable':
        fn.outputNullable = flag(child)
        break
      case 'transport': {
        const transport = text(child)
        if (transport !== 'http' && transport !== 'websocket') fail(child, `unknown transport '${transport}'`)
        fn.transport = transport as IrTransport
        break
      }
      case 'context':
        fn.context = text(child)
        break
      case 'affects':
        fn.affects.push(text(child))
        break
      case 'merge':
        fn.merge.push(text(child))
        break
      case 'is-form':
        if (flag(child)) fn.form ??= {}
        break
      case 'form-name':
        fn.form = { ...fn.form, name: text(child) }
        break
      case 'form-role':
        fn.form = { ...fn.form, role: text(child) }
        break
      case 'auth': {
        const auth = text(child)
        if (auth !== 'required' && auth !== 'staff' && auth !== 'superuser') fail(child, `unknown auth '${auth}'`)
        fn.auth = auth
        break
      }
      case 'rev':
        fn.rev = wholeNumber(child)
        break
      case 'cache':
        fn.cache = typeof child.args[0] === 'boolean' ? flag(child) : wholeNumber(child)
        break
      case 'error':
        ;(fn.errors ??= []).push(readDeclaredError(child))
        break
      default:
        fail(child, 'unknown function property')
    }
  }
  if (!fn.camel || !fn.output) fail(node, "a function needs 'camel' and 'output'")
  return fn
}

function readDeclaredError(node: KdlNode): IrDeclaredError {
  const error: IrDeclaredError = { code: text(node), status: 400 }
  for (const child of node.children) {
    if (child.name === 'status') {
      const status = child.args[0]
      if (typeof status !== 'number' || !Number.isInteger(status)) fail(child, 'an error status is an integer')
      error.status = status as number
    } else if (child.name === 'details') error.details = text(child)
    else fail(child, 'unknown error property')
  }
  return error
}

function readParam(node: KdlNode): IrContextParam {
  const param: IrContextParam = { name: text(node), type: 'string', required: false, sharedBy: [] }
  for (const child of node.children) {
    if (child.name === 'type') {
      const type = text(child)
      if (!PRIMITIVES.includes(type)) fail(child, `unknown param type '${type}'`)
      param.type = type as IrPrimitive
    } else if (child.name === 'required') param.required = flag(child)
    else if (child.name === 'shared-by') param.sharedBy.push(text(child))
    else fail(child, 'unknown param property')
  }
  return param
}

function readContext(node: KdlNode): IrContext {
  const ctx: IrContext = { name: text(node), functions: [], params: [] }
  for (const child of node.children) {
    if (child.name === 'function') ctx.functions.push(text(child))
    else if (child.name === 'param') ctx.params.push(readParam(child))
    else fail(child, 'unknown context property')
  }
  return ctx
}

function readChannel(node: KdlNode): IrChannel {
  const channel: IrChannel = { name: text(node), pascalName: '' }
  for (const child of node.children) {
    if (child.name === 'pascal-name') channel.pascalName = text(child)
    else if (child.name === 'params') channel.params = text(child)
    else if (child.name === 'client-message') channel.clientMessage = text(child)
    else if (child.name === 'server-message') channel.serverMessage = text(child)
    else fail(child, 'unknown channel property')
  }
  return channel
}

/** Parses an IR document; order is kept as written (the exporter sorts, a reader need not). */
export function readIr(source: string): IrDocument {
  const doc: IrDocument = { types: [], functions: [], contexts: [], channels: [] }
  for (const node of parseKdl(source)) {
    if (node.name === 'type') doc.types.push(readType(node))
    else if (node.name === 'function') doc.functions.push(readFunction(node))
    else if (node.name === 'context') doc.contexts.push(readContext(node))
    else if (node.name === 'channel') doc.channels.push(readChannel(node))
    else fail(node, 'unknown top-level node')
  }
  const known = new Set(doc.types.map((t) => t.name))
  const missing = (name: string | undefined) => name !== undefined && !known.has(name)
  for (const fn of doc.functions) {
    if (missing(fn.input) || missing(fn.output)) throw new IrError(`IR function '${fn.name}' names a type that is not declared`)
  }
  return doc
}
