/**
 * Pydantic's lax mode at every depth: an input schema's JSON Schema becomes a `LaxShape` once,
 * at registration, and each call's args are walked along it. HTTP bodies, WebSocket frames and
 * query strings all go through `coerceLax`; values Pydantic would refuse are left as sent, for
 * the schema to reject in the protocol's envelope.
 */
import { laxScalar, REFUSED, type LaxScalarKind } from './lax-scalars.ts'

export type LaxShape =
  | { readonly kind: LaxScalarKind }
  | { readonly kind: 'array'; readonly items: LaxShape | undefined; readonly prefix: readonly LaxShape[] }
  | { readonly kind: 'object'; readonly props: ReadonlyMap<string, LaxShape>; readonly rest: LaxShape | undefined }
  | { readonly kind: 'union'; readonly variants: readonly LaxShape[] }

type Node = {
  type?: unknown
  anyOf?: unknown
  oneOf?: unknown
  properties?: unknown
  additionalProperties?: unknown
  items?: unknown
  prefixItems?: unknown
  'x-mizan-bigint'?: unknown
}

const SCALARS: Record<string, LaxScalarKind> = { integer: 'integer', number: 'number', boolean: 'boolean', string: 'string' }

function shapeOfType(type: string, n: Node, depth: number): LaxShape | undefined {
  if (type === 'integer' && n['x-mizan-bigint'] === true) return { kind: 'bigint' }
  const scalar = SCALARS[type]
  if (scalar) return { kind: scalar }
  if (type === 'array') {
    const prefix = Array.isArray(n.prefixItems) ? n.prefixItems.map((p) => shapeOf(p, depth + 1) ?? PASS) : []
    const items = shapeOf(n.items, depth + 1)
    return items || prefix.some((p) => p !== PASS) ? { kind: 'array', items, prefix } : undefined
  }
  if (type === 'object') {
    const props = new Map<string, LaxShape>()
    const declared: string[] = []
    if (typeof n.properties === 'object' && n.properties !== null) {
      for (const [name, node] of Object.entries(n.properties as Record<string, unknown>)) {
        const shape = shapeOf(node, depth + 1)
        if (shape) props.set(name, shape)
        else declared.push(name)
      }
    }
    const rest = shapeOf(n.additionalProperties, depth + 1)
    // With a coercible rest, a declared name keeps its own (identity) shape instead of the rest's.
    if (rest) for (const name of declared) props.set(name, PASS)
    return props.size || rest ? { kind: 'object', props, rest } : undefined
  }
  return undefined
}

/** A shape that changes nothing: a string passes as is and a non-string is refused, as `str` would. */
const PASS: LaxShape = { kind: 'string' }

/**
 * The lax shape of a JSON Schema node; `undefined` when nothing under it is ever coerced, so
 * calls to a function without numbers or booleans skip the walk.
 */
export function shapeOf(node: unknown, depth = 0): LaxShape | undefined {
  if (typeof node !== 'object' || node === null || depth > 32) return undefined
  const n = node as Node
  const variants: LaxShape[] = []
  const types = Array.isArray(n.type) ? n.type : n.type === undefined ? [] : [n.type]
  for (const t of types) {
    if (t === 'null') continue
    const shape = typeof t === 'string' ? shapeOfType(t, n, depth) : undefined
    variants.push(shape ?? PASS)
  }
  const branches = (Array.isArray(n.anyOf) ? n.anyOf : Array.isArray(n.oneOf) ? n.oneOf : []) as unknown[]
  for (const branch of branches) {
    if (typeof branch === 'object' && branch !== null && (branch as Node).type === 'null') continue
    variants.push(shapeOf(branch, depth + 1) ?? PASS)
  }
  if (variants.length === 1) return variants[0] === PASS ? undefined : variants[0]
  if (variants.every((v) => v === PASS)) return undefined
  return { kind: 'union', variants }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Does the value already have the shape's type, as Pydantic's strict pass of a smart union asks? */
function exactly(shape: LaxShape, value: unknown): boolean {
  switch (shape.kind) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'bigint':
      return typeof value === 'bigint'
    case 'number':
      return typeof value === 'number'
    case 'boolean':
      return typeof value === 'boolean'
    case 'string':
      return typeof value === 'string'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isPlainObject(value)
    case 'union':
      return shape.variants.some((v) => exactly(v, value))
  }
}

/**
 * `value` read through `shape` as Pydantic's lax mode reads it, or `REFUSED`. Containers are
 * copied only when something inside them changed.
 */
function coerce(shape: LaxShape, value: unknown): unknown {
  switch (shape.kind) {
    case 'array': {
      if (!Array.isArray(value)) return REFUSED
      let out: unknown[] | undefined
      for (let i = 0; i < value.length; i++) {
        const item = shape.prefix[i] ?? shape.items
        if (!item) continue
        const next = coerce(item, value[i])
        if (next !== REFUSED && next !== value[i]) (out ??= value.slice())[i] = next
      }
      return out ?? value
    }
    case 'object': {
      if (!isPlainObject(value)) return REFUSED
      let out: Record<string, unknown> | undefined
      for (const key of Object.keys(value)) {
        const inner = shape.props.get(key) ?? shape.rest
        if (!inner) continue
        const next = coerce(inner, value[key])
        if (next !== REFUSED && next !== value[key]) (out ??= { ...value })[key] = next
      }
      return out ?? value
    }
    case 'union': {
      // Smart mode: a value that already fits a branch stays; otherwise the first branch that takes it.
      if (exactly(shape, value)) return value
      for (const variant of shape.variants) {
        const next = coerce(variant, value)
        if (next !== REFUSED) return next
      }
      return REFUSED
    }
    default:
      return laxScalar(shape.kind, value)
  }
}

/** The value Pydantic's lax mode would validate, or the value as sent when it would refuse it. */
export function coerceLax(shape: LaxShape | undefined, value: unknown): unknown {
  if (!shape) return value
  const next = coerce(shape, value)
  return next === REFUSED ? value : next
}
