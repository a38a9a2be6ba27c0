import { z } from 'zod'
import type { AnySchema, FormMarker, SchemaArg, SchemaInput, SchemaOutput } from '../../shared/types.ts'
import { createDefineClient, type AffectsTarget, type AnyServerFunction, type AuthRequirement, type MizanUser, type RequestContext } from '../defineClient.ts'
import { coerceLaxValue, describeParams } from '../schema.ts'
import { fieldErrorsOf, fieldsOf, type FieldHint, type FieldSchema } from './field-schema.ts'

export interface FormMeta {
  refetch_schema_on_validate: boolean
  live_validation: boolean
  live_form_errors: boolean
}

export interface FormSchemaBody {
  name: string
  title: string | null
  subtitle: string | null
  submit_label: string
  fields: FieldSchema[]
  meta: FormMeta
}

export interface DefineFormOptions<TUser extends MizanUser, TSchema extends SchemaArg, TResult, TCtx extends object = {}> {
  /** Wire prefix of the three functions (`contact` → `contact.schema`); default: the router key in snake_case. */
  name?: string
  schema: TSchema
  title?: string
  subtitle?: string
  submitLabel?: string
  fields?: Record<string, FieldHint>
  meta?: Partial<FormMeta>
  auth?: AuthRequirement<TUser, TCtx>
  affects?: AffectsTarget | readonly AffectsTarget[]
  merge?: string | readonly string[]
  /** Output schema of `onSubmit`'s result: needed for `merge`. */
  output?: AnySchema
  onSubmit: (values: SchemaOutput<TSchema>, ctx: RequestContext<TUser> & TCtx) => TResult | Promise<TResult>
}

export interface FormDefinition<TValues = unknown, TResult = unknown> extends FormMarker<{ values: TValues; result: TResult }> {
  readonly name: string | undefined
  readonly schema: AnySchema
  /** The three functions, by their suffix, ready to be registered under `<name>.<suffix>`. */
  readonly functions: { schema: AnyServerFunction; validate: AnyServerFunction; submit: AnyServerFunction }
}

export type AnyFormDefinition = FormDefinition<unknown, unknown>

const anyObject = z.record(z.string(), z.unknown())

/** Builds `defineForm` for an app's user type (see `createMizan`). */
export function createDefineForm<TUser extends MizanUser, TCtx extends object = {}>() {
  const defineClient = createDefineClient<TUser, TCtx>()
  return function defineForm<TSchema extends SchemaArg, TResult>(
    options: DefineFormOptions<TUser, TSchema, TResult, TCtx>,
  ): FormDefinition<SchemaInput<TSchema>, Awaited<TResult>> {
    // The schema is a Standard Schema: `SchemaArg` only keeps the type parameter's constraint cheap.
    const schema = options.schema as unknown as AnySchema
    const meta: FormMeta = { refetch_schema_on_validate: false, live_validation: true, live_form_errors: false, ...options.meta }
    const describe = (name: string): FormSchemaBody => ({
      name,
      title: options.title ?? null,
      subtitle: options.subtitle ?? null,
      submit_label: options.submitLabel ?? 'Submit',
      fields: fieldsOf(schema, options.fields),
      meta,
    })
    const kinds = new Map(describeParams(schema).map((p) => [p.name, p.kind]))
    // Form posts carry strings: "" means "not filled in" (as Django reads it) and numbers arrive as text.
    const normalize = (data: unknown): unknown => {
      if (typeof data !== 'object' || data === null || Array.isArray(data)) return data
      const out: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(data)) {
        if (value === '' || value === null) continue
        const kind = kinds.get(key)
        out[key] = kind ? coerceLaxValue(value, kind) : value
      }
      return out
    }
    const check = async (data: unknown) => {
      const normalized = normalize(data)
      const outcome = await schema['~standard'].validate(normalized)
      return outcome.issues ? { ok: false as const, errors: fieldErrorsOf(outcome.issues, normalized) } : { ok: true as const, value: outcome.value }
    }
    let formName: string | undefined = options.name
    const functions = {
      schema: defineClient({ input: z.object({ data: anyObject.optional() }), auth: options.auth }, () => describe(formName ?? '')),
      validate: defineClient({ input: z.object({ data: anyObject }), auth: options.auth }, async ({ data }) => {
        const outcome = await check(data)
        return { errors: outcome.ok ? [] : outcome.errors }
      }),
      submit: defineClient(
        { input: anyObject, auth: options.auth, affects: options.affects ?? [], merge: options.merge ?? [], output: options.output },
        async (values, ctx) => {
          const outcome = await check(values)
          if (!outcome.ok) return { success: false, errors: { errors: outcome.errors } }
          const data = await options.onSubmit(outcome.value as SchemaOutput<TSchema>, ctx)
          return { success: true, data: data ?? null }
        },
      ),
    } as unknown as FormDefinition['functions']
    // Merge and the output check concern a successful submit's `data`, not its `{success}` wrapper.
    ;(functions.submit.options as { outputOf?: (result: unknown) => unknown }).outputOf = (result) => {
      const r = result as { success?: boolean; data?: unknown } | null
      return r?.success ? r.data : undefined
    }
    return {
      '~mizan': 'form',
      '~types': undefined as never,
      get name() {
        return formName
      },
      schema,
      functions,
      /** Called by createRouter once the router key fixes the name. */
      bindName(name: string) {
        formName ??= name
      },
    } as FormDefinition<SchemaInput<TSchema>, Awaited<TResult>>
  }
}

export const defineForm = createDefineForm<MizanUser>()

/** Whether a router entry is a form (forms expand into three functions). */
export function isForm(value: unknown): value is AnyFormDefinition & { bindName(name: string): void } {
  return typeof value === 'object' && value !== null && (value as { '~mizan'?: unknown })['~mizan'] === 'form'
}
