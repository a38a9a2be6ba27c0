import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec'
import { formIssues } from '../../shared/form-issues.ts'
import type { AnySchema } from '../../shared/types.ts'

/** One field as Mizan clients render it (the reference's field schema). */
export interface FieldSchema {
  name: string
  label: string
  type: string
  widget: string
  required: boolean
  disabled: boolean
  help_text: string
  initial: unknown
  max_length: number | null
  min_length: number | null
  choices: { value: string; label: string }[] | null
}

export interface FieldHint {
  label?: string
  widget?: string
  type?: string
  helpText?: string
  initial?: unknown
  disabled?: boolean
  /** Labels for enum values: `{ sales: 'Sales' }`. */
  choiceLabels?: Record<string, string>
}

export interface FieldError {
  message: string
  code?: string
}

type JsonNode = {
  type?: string | string[]
  format?: string
  enum?: unknown[]
  maxLength?: number
  minLength?: number
  description?: string
  default?: unknown
  anyOf?: JsonNode[]
  properties?: Record<string, JsonNode>
  required?: string[]
}

/** `help_text` → `Help text`, as Django labels fields. */
export function labelFor(name: string): string {
  const words = name.replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function humanize(value: string): string {
  return labelFor(value)
}

function primary(node: JsonNode): JsonNode {
  if (node.type || node.enum) return node
  return node.anyOf?.find((n) => n.type !== 'null') ?? node
}

function kindOf(node: JsonNode): { type: string; widget: string } {
  if (node.enum) return { type: 'select', widget: 'Select' }
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type
  if (type === 'boolean') return { type: 'checkbox', widget: 'CheckboxInput' }
  if (type === 'number' || type === 'integer') return { type: 'number', widget: 'NumberInput' }
  if (node.format === 'email') return { type: 'email', widget: 'EmailInput' }
  if (node.format === 'uri') return { type: 'url', widget: 'URLInput' }
  if (node.format === 'date') return { type: 'date', widget: 'DateInput' }
  return { type: 'text', widget: 'TextInput' }
}

/** Derive the Mizan field list from one object schema, in declaration order. */
export function fieldsOf(schema: AnySchema, hints: Record<string, FieldHint> = {}): FieldSchema[] {
  const converter = (schema as unknown as Partial<StandardJSONSchemaV1>)['~standard']?.jsonSchema
  if (!converter) throw new TypeError('defineForm needs a schema that implements Standard JSON Schema (zod 4 does)')
  const json = converter.input({ target: 'draft-2020-12' }) as JsonNode
  const required = new Set(json.required ?? [])
  return Object.entries(json.properties ?? {}).map(([name, raw]) => {
    const node = primary(raw)
    const hint = hints[name] ?? {}
    const kind = kindOf(node)
    const isText = kind.type === 'text' || kind.type === 'email' || kind.type === 'url'
    return {
      name,
      label: hint.label ?? labelFor(name),
      type: hint.type ?? kind.type,
      widget: hint.widget ?? kind.widget,
      required: required.has(name) && raw.default === undefined,
      disabled: hint.disabled ?? false,
      help_text: hint.helpText ?? node.description ?? raw.description ?? '',
      initial: hint.initial ?? raw.default ?? null,
      max_length: isText ? (node.maxLength ?? null) : null,
      min_length: isText ? (node.minLength ?? null) : null,
      choices: node.enum ? node.enum.map((v) => ({ value: String(v), label: hint.choiceLabels?.[String(v)] ?? humanize(String(v)) })) : null,
    }
  })
}

/** Group schema issues per field, in the reference's `[{field, errors: [{message, code}]}]` shape. */
export function fieldErrorsOf(issues: readonly StandardSchemaV1.Issue[], data: unknown): { field: string; errors: FieldError[] }[] {
  const byField = new Map<string, FieldError[]>()
  for (const { field, code, message } of formIssues(issues, data)) {
    const list = byField.get(field) ?? []
    list.push({ message, code })
    byField.set(field, list)
  }
  return [...byField].map(([field, errors]) => ({ field, errors }))
}
