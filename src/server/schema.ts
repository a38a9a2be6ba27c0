import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec'
import type { AnySchema } from '../shared/types.ts'
import { appendOwn } from '../shared/own-lists.ts'
import { coerceLax, shapeOf, type LaxShape } from './lax-coercion.ts'
import { laxScalar, REFUSED } from './lax-scalars.ts'

export type ParamKind = 'string' | 'number' | 'integer' | 'boolean' | 'bigint' | 'other'

export interface ParamInfo {
  name: string
  required: boolean
  kind: ParamKind
  /** How Pydantic's lax mode reads this param, at every depth; `undefined` when nothing in it is coerced. */
  shape?: LaxShape | undefined
}

type JsonSchemaNode = { type?: unknown; anyOf?: unknown; oneOf?: unknown; properties?: unknown; required?: unknown; 'x-mizan-bigint'?: unknown }

type ZodOverride = { zodSchema?: { _zod?: { def?: { type?: string } } }; jsonSchema: Record<string, unknown> }

/**
 * Zod-only options (other libraries ignore `libraryOptions`): a value JSON Schema cannot express
 * no longer throws the whole schema away, and a bigint is an integer marked to stay exact.
 */
const LIBRARY_OPTIONS = {
  unrepresentable: 'any',
  override: (ctx: ZodOverride) => {
    if (ctx.zodSchema?._zod?.def?.type === 'bigint') {
      ctx.jsonSchema['type'] = 'integer'
      ctx.jsonSchema['x-mizan-bigint'] = true
    }
  },
}

function jsonSchemaOf(schema: AnySchema): JsonSchemaNode | undefined {
  const std = (schema as unknown as Partial<StandardJSONSchemaV1>)['~standard']
  const converter = std && 'jsonSchema' in std ? std.jsonSchema : undefined
  if (!converter) return undefined
  try {
    return converter.input({ target: 'draft-2020-12', libraryOptions: LIBRARY_OPTIONS }) as JsonSchemaNode
  } catch {
    return undefined
  }
}

function kindOf(node: unknown): ParamKind {
  if (typeof node !== 'object' || node === null) return 'other'
  const n = node as JsonSchemaNode
  const types = Array.isArray(n.type) ? n.type : [n.type]
  if (n['x-mizan-bigint'] === true) return 'bigint'
  for (const t of types) {
    if (t === 'string' || t === 'number' || t === 'integer' || t === 'boolean') return t
  }
  const variants = (Array.isArray(n.anyOf) ? n.anyOf : Array.isArray(n.oneOf) ? n.oneOf : []) as unknown[]
  for (const variant of variants) {
    const kind = kindOf(variant)
    if (kind !== 'other') return kind
  }
  return 'other'
}

/**
 * The named parameters of an input schema, read through Standard JSON Schema so any
 * library that implements it works. `[]` when the schema is not an object.
 */
export function describeParams(schema: AnySchema | undefined): ParamInfo[] {
  if (!schema) return []
  const json = jsonSchemaOf(schema)
  if (!json || typeof json.properties !== 'object' || json.properties === null) return []
  const required = new Set(Array.isArray(json.required) ? (json.required as string[]) : [])
  return Object.entries(json.properties as Record<string, unknown>).map(([name, node]) => ({
    name,
    required: required.has(name),
    kind: kindOf(node),
    shape: shapeOf(node),
  }))
}

/** The lax shape of a whole input schema, for coercing a call's args in one walk. */
export function inputShapeOf(schema: AnySchema | undefined): LaxShape | undefined {
  return schema ? shapeOf(jsonSchemaOf(schema)) : undefined
}

/** Query-string values are strings; turn each into what its param declares, as Pydantic's lax mode does. */
export function coerceQueryValue(value: string, kind: ParamKind): unknown {
  if (kind === 'other' || kind === 'string') return value
  const out = laxScalar(kind, value)
  return out === REFUSED ? value : out
}

/** The kinds `coerceLaxValue` can change a value for; the others always pass through as sent. */
export function isLaxCoercible(kind: ParamKind): boolean {
  return kind === 'number' || kind === 'integer' || kind === 'boolean' || kind === 'bigint'
}

/** Pydantic-style lax scalars: numeric strings and bools to numbers, 0/1 and words to bools. */
export function coerceLaxValue(value: unknown, kind: ParamKind): unknown {
  if (!isLaxCoercible(kind)) return value
  const out = laxScalar(kind as 'number', value)
  return out === REFUSED ? value : out
}

/** A param's value read through its lax shape (nested lists and objects included). */
export function coerceParam(param: ParamInfo, value: unknown): unknown {
  return coerceLax(param.shape, value)
}

export type ValidationOutcome =
  | { ok: true; value: unknown }
  | { ok: false; fields: Record<string, string[]> }

function pathOf(issue: StandardSchemaV1.Issue): string {
  if (!issue.path || issue.path.length === 0) return '__root__'
  return issue.path.map((seg) => String(typeof seg === 'object' && seg !== null ? seg.key : seg)).join('.')
}

/** Validate with any Standard Schema; failures come back as the protocol's per-field map. */
export async function validateWith(schema: AnySchema, value: unknown): Promise<ValidationOutcome> {
  return validateMaybeSync(schema, value)
}

/**
 * `validateWith` without the extra promise when the schema validates synchronously (Zod does
 * for schemas without async refinements): the request hot path awaits only what is async.
 */
export function validateMaybeSync(schema: AnySchema, value: unknown): ValidationOutcome | Promise<ValidationOutcome> {
  const result = schema['~standard'].validate(value)
  return result instanceof Promise ? result.then(outcomeOf) : outcomeOf(result)
}

function outcomeOf(result: StandardSchemaV1.Result<unknown>): ValidationOutcome {
  if (!result.issues) return { ok: true, value: result.value }
  const fields: Record<string, string[]> = {}
  for (const issue of result.issues) {
    const path = pathOf(issue)
    const missing = issue.message.endsWith('received undefined')
    appendOwn(fields, path, missing ? 'Field required' : issue.message)
  }
  return { ok: false, fields }
}
