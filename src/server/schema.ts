import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec'
import type { AnySchema } from '../shared/types.ts'
import { appendOwn } from '../shared/own-lists.ts'

export type ParamKind = 'string' | 'number' | 'integer' | 'boolean' | 'other'

export interface ParamInfo {
  name: string
  required: boolean
  kind: ParamKind
}

type JsonSchemaNode = { type?: unknown; anyOf?: unknown; oneOf?: unknown; properties?: unknown; required?: unknown }

function jsonSchemaOf(schema: AnySchema): JsonSchemaNode | undefined {
  const std = (schema as unknown as Partial<StandardJSONSchemaV1>)['~standard']
  const converter = std && 'jsonSchema' in std ? std.jsonSchema : undefined
  if (!converter) return undefined
  try {
    return converter.input({ target: 'draft-2020-12' }) as JsonSchemaNode
  } catch {
    return undefined
  }
}

function kindOf(node: unknown): ParamKind {
  if (typeof node !== 'object' || node === null) return 'other'
  const n = node as JsonSchemaNode
  const types = Array.isArray(n.type) ? n.type : [n.type]
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
  }))
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/** Query-string values are strings; turn each into what its param declares, as Pydantic's lax mode does. */
export function coerceQueryValue(value: string, kind: ParamKind): unknown {
  switch (kind) {
    case 'number':
    case 'integer': {
      // Decimal notation only: Number() would also read "0x10", "0b1" and "Infinity".
      const trimmed = value.trim()
      return DECIMAL.test(trimmed) ? Number(trimmed) : value
    }
    case 'boolean': {
      const lower = value.toLowerCase()
      if (['true', '1', 'yes', 'on', 't', 'y'].includes(lower)) return true
      if (['false', '0', 'no', 'off', 'f', 'n'].includes(lower)) return false
      return value
    }
    default:
      return value
  }
}

/** The kinds `coerceLaxValue` can change a value for; the others always pass through as sent. */
export function isLaxCoercible(kind: ParamKind): boolean {
  return kind === 'number' || kind === 'integer' || kind === 'boolean'
}

/** Pydantic-style lax scalars for JSON args: numeric strings and bools to numbers, 0/1 and words to bools. */
export function coerceLaxValue(value: unknown, kind: ParamKind): unknown {
  if (typeof value === 'string') return isLaxCoercible(kind) ? coerceQueryValue(value, kind) : value
  if (typeof value === 'boolean' && (kind === 'number' || kind === 'integer')) return value ? 1 : 0
  if (typeof value === 'number' && kind === 'boolean' && (value === 0 || value === 1)) return value === 1
  return value
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
