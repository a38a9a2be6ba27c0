/**
 * Standard JSON Schema → IR shapes. Going through JSON Schema (not zod internals) keeps the
 * exporter library-neutral: any schema library implementing `~standard.jsonSchema` works.
 * Input-side JSON Schema is read for every schema, because the reference's `required`/`default`
 * describe what a caller (or a model constructor) may omit, which is the input view.
 */
import type { StandardJSONSchemaV1 } from '@standard-schema/spec'
import { toPascalCase } from '../../shared/naming.ts'
import type { AnySchema } from '../../shared/types.ts'
import { IrError, renderType, type IrField, type IrLiteral, type IrPrimitive, type IrShape, type IrType } from './ir-model.ts'

export type JsonNode = { [key: string]: unknown }

const OPEN: IrShape = { kind: 'primitive', name: 'string' }

export function jsonSchemaOf(schema: AnySchema, what: string): JsonNode {
  const std = (schema as unknown as Partial<StandardJSONSchemaV1>)['~standard']
  const converter = std && 'jsonSchema' in std ? std.jsonSchema : undefined
  if (!converter) throw new IrError(`${what}: the schema does not implement Standard JSON Schema, so its shape cannot be exported`)
  try {
    return converter.input({ target: 'draft-2020-12' }) as JsonNode
  } catch (error) {
    throw new IrError(`${what}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const isNode = (value: unknown): value is JsonNode => typeof value === 'object' && value !== null && !Array.isArray(value)
const isNull = (node: unknown) => isNode(node) && node['type'] === 'null'
const literalOf = (value: unknown): IrLiteral | undefined =>
  typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' ? value : undefined

/** Named types of one export, each claimed once: a second, different claim on a name is an error. */
export class NamedTypes {
  private readonly byName = new Map<string, { type: IrType; text: string; by: string }>()

  bind(type: IrType, by: string): void {
    const text = renderType(type).join('\n')
    const seen = this.byName.get(type.name)
    if (!seen) this.byName.set(type.name, { type, text, by })
    else if (seen.text !== text) throw new IrError(`named type '${type.name}' is claimed twice, by ${seen.by} and by ${by}, with different shapes`)
  }

  list(): IrType[] {
    return [...this.byName.values()].map((entry) => entry.type)
  }
}

/** An object with declared properties becomes a struct; a bare `object` (a record, a dict) is an open shape. */
const isStructNode = (node: JsonNode) => isNode(node['properties'])

/** `anyOf`/`oneOf`/`type: [..., "null"]` with one non-null branch is the IR's `optional`. */
export function splitNullable(node: JsonNode): { inner: JsonNode; nullable: boolean; branches?: JsonNode[] } {
  const alternatives = node['anyOf'] ?? node['oneOf']
  if (Array.isArray(alternatives)) {
    const branches = alternatives.filter(isNode)
    const nonNull = branches.filter((b) => !isNull(b))
    const nullable = nonNull.length < branches.length
    if (nonNull.length === 1) return { inner: nonNull[0]!, nullable }
    return { inner: node, nullable: false, branches: nonNull }
  }
  if (Array.isArray(node['type'])) {
    const types = (node['type'] as unknown[]).filter((t) => t !== 'null')
    const nullable = types.length < (node['type'] as unknown[]).length
    if (types.length === 1) return { inner: { ...node, type: types[0] }, nullable }
    return { inner: node, nullable: false, branches: types.map((t) => ({ ...node, type: t })) }
  }
  if (node['nullable'] === true) return { inner: { ...node, nullable: undefined }, nullable: true }
  return { inner: node, nullable: false }
}

/** Reads one schema's JSON Schema document; `$defs` named by the library (zod: `.meta({ id })`) become IR refs. */
export class ShapeReader {
  private readonly defs: Record<string, JsonNode>
  private readonly boundDefs = new Map<string, string>()
  private readonly expanding = new Set<string>()

  constructor(
    private readonly root: JsonNode,
    private readonly rootName: string,
    private readonly types: NamedTypes,
    private readonly source: string,
  ) {
    const defs = root['$defs'] ?? root['definitions']
    this.defs = isNode(defs) ? (defs as Record<string, JsonNode>) : {}
  }

  /** Follows `$ref`s (and one-element `allOf` wrappers) to the node they stand for. */
  deref(node: JsonNode): JsonNode {
    const seen = new Set<string>()
    let current = node
    for (;;) {
      const all = current['allOf']
      if (Array.isArray(all) && all.length === 1 && isNode(all[0])) {
        current = all[0]
        continue
      }
      const ref = current['$ref']
      if (typeof ref !== 'string' || seen.has(ref)) return current
      seen.add(ref)
      current = ref === '#' ? this.root : this.defAt(ref)[1]
    }
  }

  /** The struct a node describes (after refs), or undefined when it is not an object with properties. */
  structOf(node: JsonNode): JsonNode | undefined {
    const target = this.deref(node)
    return isStructNode(target) ? target : undefined
  }

  fields(node: JsonNode, owner: string): IrField[] {
    const properties = (node['properties'] ?? {}) as Record<string, unknown>
    const required = new Set(Array.isArray(node['required']) ? (node['required'] as string[]) : [])
    return Object.entries(properties).map(([name, raw]) => {
      const prop = isNode(raw) ? raw : {}
      const field: IrField = { name, required: required.has(name), shape: this.shape(prop, `${owner}${toPascalCase(name)}`) }
      const fallback = field.required ? undefined : literalOf(prop['default'])
      if (fallback !== undefined) field.default = fallback
      return field
    })
  }

  shape(node: JsonNode, hint: string): IrShape {
    const all = node['allOf']
    if (Array.isArray(all) && all.length === 1 && isNode(all[0])) return this.shape(all[0], hint)
    const split = splitNullable(node)
    if (split.nullable) return { kind: 'optional', of: this.shape(split.inner, hint) }
    if (split.branches) {
      // The reference drops `None` from a union of several types instead of wrapping it.
      return split.branches.length === 0 ? OPEN : { kind: 'union', branches: split.branches.map((b, i) => this.shape(b, `${hint}${i + 1}`)) }
    }
    if (split.inner !== node) return this.shape(split.inner, hint)
    if (typeof node['$ref'] === 'string') return this.refShape(node['$ref'], hint)
    if (typeof node['const'] === 'string') return { kind: 'enum', values: [node['const']] }
    const values = node['enum']
    if (Array.isArray(values) && values.length > 0) {
      return values.every((v) => typeof v === 'string') ? { kind: 'enum', values: values as string[] } : OPEN
    }
    const type = node['type']
    if (type === 'array') {
      // A fixed-length tuple is not a list for the reference; it collapses like any open shape.
      if (node['prefixItems'] !== undefined) return OPEN
      const items = node['items']
      return { kind: 'list', of: isNode(items) ? this.shape(items, `${hint}Item`) : OPEN }
    }
    if (isStructNode(node)) {
      this.types.bind({ name: hint, kind: 'struct', fields: this.fields(node, hint) }, this.source)
      return { kind: 'ref', name: hint }
    }
    if (type === 'integer' || type === 'number' || type === 'boolean') return { kind: 'primitive', name: type }
    // string, null, records, `unknown`: the reference collapses every open shape to string.
    return OPEN
  }

  private defAt(ref: string): [string, JsonNode] {
    const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref)
    const key = match ? decodeURIComponent(match[1]!).replace(/~1/g, '/').replace(/~0/g, '~') : undefined
    const def = key === undefined ? undefined : this.defs[key]
    if (key === undefined || !def) throw new IrError(`${this.source}: unresolvable JSON Schema reference '${ref}'`)
    return [key, def]
  }

  private refShape(ref: string, hint: string): IrShape {
    if (ref === '#') {
      if (!isStructNode(this.root)) throw new IrError(`${this.source}: a recursive schema that is not an object cannot be expressed in the IR`)
      return { kind: 'ref', name: this.rootName }
    }
    const [key, def] = this.defAt(ref)
    if (!isStructNode(def)) {
      // Only models are named in the IR; a named scalar or list is written out where it is used.
      if (this.expanding.has(key)) throw new IrError(`${this.source}: the recursive schema '${key}' is not an object and cannot be expressed in the IR`)
      this.expanding.add(key)
      try {
        return this.shape(def, hint)
      } finally {
        this.expanding.delete(key)
      }
    }
    let name = this.boundDefs.get(key)
    if (name === undefined) {
      // zod names unnamed recursive schemas `__schema0`; give them a name from where they are used.
      name = /^__schema\d+$/.test(key) ? hint : key
      this.boundDefs.set(key, name)
      this.types.bind({ name, kind: 'struct', fields: this.fields(def, name) }, this.source)
    }
    return { kind: 'ref', name }
  }
}

/** A context param's type: the reference unwraps `optional` and keeps only the scalar kinds. */
export function paramPrimitive(node: JsonNode): IrPrimitive {
  const { inner } = splitNullable(node)
  const type = inner['type']
  return type === 'integer' || type === 'number' || type === 'boolean' ? type : 'string'
}
