/**
 * Form errors on the client: running the form's Standard Schema locally with the same input
 * preparation and the same error grouping as the server's `<name>.validate` (defineForm), and
 * reading the server's answers (`{errors: [{field, errors}]}`, VALIDATION_ERROR envelopes,
 * any other failure) into one per-field map. Framework-free: the hook builds on it.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { MizanError } from '../../shared/errors.ts'
import { NON_FIELD, formIssues } from '../../shared/form-issues.ts'
import { appendOwn } from '../../shared/own-lists.ts'

/** Where an error was found: by the schema in the browser, or by the backend. */
export type FormErrorSource = 'client' | 'server'

export interface FormError {
  message: string
  /** Django's codes (`required`, `max_length`, `invalid_choice`, …) when known. */
  code?: string
  source: FormErrorSource
}

/** Field name → its errors, only for fields that have any. */
export type FormErrorMap = Record<string, FormError[]>

/** The reference's validate / failed-submit shape: `[{field, errors: [{message, code}]}]`. */
export type WireFieldErrors = { field: string; errors: { message: string; code?: string }[] }[]

/** Django's key for errors that belong to the form, not to one field. */
export { NON_FIELD }
const NON_FIELD_KEYS = new Set([NON_FIELD, 'non_field_errors', ''])

export function isNonFieldKey(field: string): boolean {
  return NON_FIELD_KEYS.has(field)
}

/** The field kinds whose text input the server coerces (defineForm's lax form reading). */
export type FieldKind = 'number' | 'checkbox' | 'other'

/**
 * Form data as defineForm reads it before validating: `""` and `null` mean "not filled in",
 * numbers typed into text inputs become numbers, checkbox strings become booleans. Running the
 * schema on exactly this is what makes client and server agree.
 */
export function prepareFormData(values: Record<string, unknown>, kinds: ReadonlyMap<string, FieldKind> = new Map()): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(values)) {
    if (value === '' || value === null || value === undefined) continue
    const kind = kinds.get(name)
    if (kind === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) out[name] = Number(value)
    else if (kind === 'checkbox' && typeof value === 'string') out[name] = ['true', 'on', '1', 'yes'].includes(value.toLowerCase())
    else out[name] = value
  }
  return out
}

/** Schema issues grouped per top-level field, worded as the server words them (`This field is required.`). */
export function errorsFromIssues(issues: readonly StandardSchemaV1.Issue[], data: Record<string, unknown>, source: FormErrorSource): FormErrorMap {
  const out: FormErrorMap = {}
  for (const { field, code, message } of formIssues(issues, data)) appendOwn(out, field, { message, code, source })
  return out
}

/**
 * Run the schema on prepared data. Synchronous schemas (zod's usual case) answer synchronously,
 * so errors can be computed during render; an async schema answers with a promise.
 */
export function validateWithSchema(schema: StandardSchemaV1, data: Record<string, unknown>): FormErrorMap | Promise<FormErrorMap> {
  const outcome = schema['~standard'].validate(data)
  const read = (result: StandardSchemaV1.Result<unknown>) => (result.issues ? errorsFromIssues(result.issues, data, 'client') : {})
  return outcome instanceof Promise ? outcome.then(read) : read(outcome)
}

/** `[{field, errors}]` from `<name>.validate` or a failed `<name>.submit`. */
export function errorsFromWire(list: unknown, source: FormErrorSource = 'server'): FormErrorMap {
  const out: FormErrorMap = {}
  if (!Array.isArray(list)) return out
  for (const entry of list as WireFieldErrors) {
    if (typeof entry !== 'object' || entry === null || !Array.isArray(entry.errors)) continue
    const field = typeof entry.field === 'string' ? entry.field : NON_FIELD
    for (const error of entry.errors) {
      const message = typeof error === 'string' ? error : String(error?.message ?? '')
      const code = typeof error === 'object' && error !== null && typeof error.code === 'string' ? error.code : undefined
      appendOwn(out, field, code === undefined ? { message, source } : { message, code, source })
    }
  }
  return out
}

/**
 * A submit that failed as a call: a VALIDATION_ERROR's `details.fields` (dotted paths, as the
 * input validator or a handler's MizanError reports them) land on their top-level field, and
 * everything else (UNAUTHORIZED, a network failure, …) is one non-field error with its code.
 */
export function errorsFromFailure(error: unknown): FormErrorMap {
  const out: FormErrorMap = {}
  if (error instanceof MizanError) {
    const fields = Object.entries(error.fieldErrors)
    for (const [path, messages] of fields) {
      const field = path.split('.')[0] ?? NON_FIELD
      for (const message of Array.isArray(messages) ? messages : [String(messages)]) {
        appendOwn(out, field, { message: String(message), code: 'invalid', source: 'server' })
      }
    }
    if (!fields.length) out[NON_FIELD] = [{ message: error.message || error.code, code: error.code, source: 'server' }]
    return out
  }
  out[NON_FIELD] = [{ message: error instanceof Error ? error.message : String(error), source: 'server' }]
  return out
}

export function hasErrors(map: FormErrorMap): boolean {
  return Object.values(map).some((list) => list.length > 0)
}

/** Split a map into per-field errors and the form's own (non-field) errors. */
export function splitNonField(map: FormErrorMap): { fields: FormErrorMap; nonField: FormError[] } {
  const fields: FormErrorMap = {}
  const nonField: FormError[] = []
  for (const [field, list] of Object.entries(map)) {
    if (isNonFieldKey(field)) nonField.push(...list)
    else if (list.length) fields[field] = list
  }
  return { fields, nonField }
}
