import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { MizanError } from '../../shared/errors.ts'
import type { AnyRouter, FormKeys, FormResultOf, FormValuesOf } from '../../shared/types.ts'
// Type-only: the field schema's shape is the server's, and nothing of the server is bundled.
import type { FormSchemaBody } from '../../server/forms/define-form.ts'
import type { FieldSchema } from '../../server/forms/field-schema.ts'
import type { FormError, FormErrorMap } from './form-errors.ts'

export type { FieldSchema, FormSchemaBody }
export type { FormError, FormErrorMap, FormErrorSource } from './form-errors.ts'

/** The names of a form's fields. */
export type FormFieldName<TValues> = keyof TValues & string

/** When client-side errors become visible for a field; they are always computed. */
export type FormValidateOn = 'blur' | 'change' | 'submit'

export interface UseMizanFormOptions<TValues, TResult> {
  /**
   * The form's Zod (or any Standard Schema) object, imported from a module both sides share.
   * With it, values are validated in the browser with no request; without it (e.g. against a
   * Python backend), `validate()` asks `<name>.validate` and the submit is the server's check.
   * Its input type must be the form's values.
   */
  schema?: StandardSchemaV1<TValues, unknown>
  /** Starting values; over the field schema's `initial`s. */
  initialValues?: Partial<TValues>
  /** `'blur'` (default): a field's errors show once it was left; `'change'`: once edited; `'submit'`: after a submit attempt. */
  validateOn?: FormValidateOn
  /** Wire prefix when the form sets `name` on the server (default: the router key in snake_case). */
  name?: string
  /** Fetch `<name>.schema` for labels, widgets and choices (default `true`; SSR can prefetch it). */
  fetchSchema?: boolean
  /** Without `schema`: ask `<name>.validate` when a field is left (default: the field schema's `meta.live_validation`). */
  serverValidation?: boolean
  /** After a successful submit, with the submit's data. */
  onSuccess?: (data: TResult) => void
}

export type FormSubmitOutcome<TResult> =
  | { ok: true; data: TResult }
  | {
      ok: false
      /** Per-field errors (non-field ones under `__all__`). */
      errors: FormErrorMap
      /** Whether a request was made: `false` when client-side validation stopped the submit. */
      sent: boolean
      /** The call's error, when the submit failed as a call (UNAUTHORIZED, VALIDATION_ERROR, network…). */
      error?: MizanError
    }

export type FormStatus = 'idle' | 'invalid' | 'submitting' | 'success' | 'error'

/** One field's state, for rendering it. */
export interface FormFieldState<TValues, K extends FormFieldName<TValues>> {
  name: K
  value: TValues[K] | undefined
  setValue(value: TValues[K] | undefined): void
  /** Mark the field as left (call from `onBlur`). */
  touch(): void
  touched: boolean
  /** Visible errors, client and server. */
  errors: FormError[]
  /** How the backend describes the field (label, widget, required, choices…), once the field schema is loaded. */
  schema: FieldSchema | undefined
}

/** What `use<Name>Form()` returns. */
export interface MizanForm<TValues, TResult> {
  /** Current values: what was typed, over `initialValues`, over the field schema's initials. */
  values: Partial<TValues>
  setValue<K extends FormFieldName<TValues>>(name: K, value: TValues[K] | undefined): void
  setValues(values: Partial<TValues>): void
  touched: Partial<Record<FormFieldName<TValues>, boolean>>
  touch(name: FormFieldName<TValues>): void
  /** Visible per-field errors, each tagged with its source. */
  errors: Partial<Record<FormFieldName<TValues>, FormError[]>>
  /** Errors of the form as a whole (`__all__`, failed calls). */
  nonFieldErrors: FormError[]
  /** No error is known for the current values. */
  isValid: boolean
  /** Check every field now (client-side with `schema`, else a `<name>.validate` round trip); shows all errors. */
  validate(): Promise<boolean>
  field<K extends FormFieldName<TValues>>(name: K): FormFieldState<TValues, K>
  /** The field schema served by `<name>.schema`, once loaded. */
  formSchema: FormSchemaBody | undefined
  /** Its fields, `[]` until loaded. */
  fields: FieldSchema[]
  schemaStatus: 'pending' | 'error' | 'success'
  /** Validate, then POST `<name>.submit` (never over WebSocket). Resolves with the outcome; never rejects. */
  submit(): Promise<FormSubmitOutcome<TResult>>
  /** `<form onSubmit={form.handleSubmit}>`: prevents the page load and submits. */
  handleSubmit(event?: { preventDefault(): void }): void
  isSubmitting: boolean
  status: FormStatus
  /** The data of the last successful submit. */
  result: TResult | undefined
  /** The error of the last submit that failed as a call. */
  submitError: MizanError | null
  /** Back to the initial values, with no errors and no result. */
  reset(): void
}

/** `use<Name>Form` for every form of the router. */
export type FormHooks<R extends AnyRouter> = {
  [K in FormKeys<R> as `use${Capitalize<K>}Form`]: (
    options?: UseMizanFormOptions<FormValuesOf<R, K>, FormResultOf<R, K>>,
  ) => MizanForm<FormValuesOf<R, K>, FormResultOf<R, K>>
}
