import type { StandardJSONSchemaV1 } from '@standard-schema/spec'
import type { AnySchema } from '../../shared/types.ts'

export type SchemaObject = { [keyword: string]: unknown }

/** What a function without a schema takes or gives: any JSON value. */
export const ANY_JSON: SchemaObject = {}

/**
 * A schema's JSON Schema (draft 2020-12, which OpenAPI 3.1 uses as is), from the input view
 * (what a caller sends) or the output view (what the server sends). Read through Standard JSON
 * Schema, so any library implementing it works; one that does not, or a value JSON Schema cannot
 * express, is described as any JSON value with a note, rather than failing the whole document.
 */
export function jsonSchemaOf(schema: AnySchema | undefined, view: 'input' | 'output'): SchemaObject {
  if (!schema) return ANY_JSON
  const std = (schema as unknown as Partial<StandardJSONSchemaV1>)['~standard']
  const converter = std && 'jsonSchema' in std ? std.jsonSchema : undefined
  if (!converter) return { description: 'The schema does not implement Standard JSON Schema.' }
  try {
    const { $schema: _dialect, ...node } = converter[view]({ target: 'draft-2020-12', libraryOptions: { unrepresentable: 'any' } }) as SchemaObject
    return node
  } catch (error) {
    return { description: `Not expressible in JSON Schema: ${error instanceof Error ? error.message : String(error)}` }
  }
}

/** A query param of a context, by the kind the router read from its members' schemas. */
export function paramSchema(kind: string): SchemaObject {
  if (kind === 'integer' || kind === 'number' || kind === 'boolean' || kind === 'string') return { type: kind }
  if (kind === 'bigint') return { type: 'integer', 'x-mizan-bigint': true }
  return { type: 'string' }
}
