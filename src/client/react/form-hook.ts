import type { StandardSchemaV1 } from '@standard-schema/spec'
import { useMutation, useQuery, type MutationFunctionContext } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import { MizanError } from '../../shared/errors.ts'
import { appendOwn, ownValue } from '../../shared/own-lists.ts'
import { applyMizanResponse } from './apply-response.ts'
import {
  errorsFromFailure,
  errorsFromWire,
  hasErrors,
  isNonFieldKey,
  NON_FIELD,
  prepareFormData,
  splitNonField,
  validateWithSchema,
  type FieldKind,
  type FormError,
  type FormErrorMap,
} from './form-errors.ts'
import { formFunctionNames, formPrefix, formSchemaQuery } from './form-query.ts'
import type { FieldSchema, FormStatus, FormSubmitOutcome, MizanForm, UseMizanFormOptions } from './form-types.ts'
import { useRuntime } from './runtime.ts'

type Values = Record<string, unknown>
type AnyForm = MizanForm<Values, unknown>

/** What `<name>.submit` answers with (HTTP 200 either way). */
interface SubmitBody {
  success?: boolean
  data?: unknown
  errors?: { errors?: unknown } | unknown[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function kindsOf(fields: readonly FieldSchema[]): Map<string, FieldKind> {
  return new Map(fields.map((f) => [f.name, f.type === 'number' ? 'number' : f.type === 'checkbox' ? 'checkbox' : 'other']))
}

function initialsOf(fields: readonly FieldSchema[]): Values {
  const out: Values = {}
  for (const field of fields) if (field.initial !== null && field.initial !== undefined) out[field.name] = field.initial
  return out
}

function withoutField(map: FormErrorMap, field: string): FormErrorMap {
  if (!Object.hasOwn(map, field)) return map
  const { [field]: _dropped, ...rest } = map
  return rest
}

const NO_ERRORS: FormErrorMap = {}

/**
 * `use<Name>Form()`: typed values, touched state, errors tagged `client`/`server`, and a submit
 * that goes through the kernel over HTTP (CSRF included) and applies the response's
 * invalidate/merge like any mutation, but only when the form was accepted.
 */
export function createFormHook(key: string, hookName: string) {
  function useMizanForm(options: UseMizanFormOptions<Values, unknown> = {}): AnyForm {
    const runtime = useRuntime(hookName)
    const prefix = formPrefix(key, options.name)
    const names = formFunctionNames(prefix)
    const schema = options.schema as StandardSchemaV1 | undefined
    const validateOn = options.validateOn ?? 'blur'

    const schemaQuery = useQuery(
      { ...formSchemaQuery(prefix, () => runtime.client), enabled: options.fetchSchema !== false },
      runtime.queryClient,
    )
    const formSchema = schemaQuery.data
    const fields = useMemo(() => formSchema?.fields ?? [], [formSchema])
    const kinds = useMemo(() => kindsOf(fields), [fields])
    const initials = useMemo(() => initialsOf(fields), [fields])

    const [edits, setEdits] = useState<Values>({})
    const [touched, setTouched] = useState<Record<string, boolean>>({})
    const [dirty, setDirty] = useState<Record<string, boolean>>({})
    const [attempted, setAttempted] = useState(false)
    const [submitErrors, setSubmitErrors] = useState<FormErrorMap>(NO_ERRORS)
    const [roundTripErrors, setRoundTripErrors] = useState<FormErrorMap | null>(null)
    const [status, setStatus] = useState<Exclude<FormStatus, 'submitting'>>('idle')

    // Values typed since the last render must reach a submit fired in the same event handler.
    const editsRef = useRef(edits)
    const values = useMemo(() => ({ ...initials, ...options.initialValues, ...edits }), [initials, options.initialValues, edits])
    const latest = useRef({ initials, initialValues: options.initialValues, kinds, schema, onSuccess: options.onSuccess })
    latest.current = { initials, initialValues: options.initialValues, kinds, schema, onSuccess: options.onSuccess }
    const currentValues = () => ({ ...latest.current.initials, ...latest.current.initialValues, ...editsRef.current })

    // Client-side validation runs on every change; zod answers synchronously, so during render.
    const live = useMemo(() => (schema ? validateWithSchema(schema, prepareFormData(values, kinds)) : null), [schema, values, kinds])
    const [asyncLive, setAsyncLive] = useState<FormErrorMap | null>(null)
    useEffect(() => {
      if (!(live instanceof Promise)) return
      let current = true
      live.then((map) => current && setAsyncLive(map), () => undefined)
      return () => {
        current = false
      }
    }, [live])
    const checked: FormErrorMap = schema ? (live instanceof Promise ? (asyncLive ?? NO_ERRORS) : (live ?? NO_ERRORS)) : (roundTripErrors ?? NO_ERRORS)

    const shows = (field: string) =>
      attempted || (validateOn === 'blur' && !!ownValue(touched, field)) || (validateOn === 'change' && (!!ownValue(touched, field) || !!ownValue(dirty, field)))

    const { errors, nonFieldErrors } = useMemo(() => {
      const visible: FormErrorMap = {}
      for (const [field, list] of Object.entries(checked)) if (isNonFieldKey(field) ? attempted : shows(field)) for (const error of list) appendOwn(visible, field, error)
      for (const [field, list] of Object.entries(submitErrors)) for (const error of list) appendOwn(visible, field, error)
      const split = splitNonField(visible)
      return { errors: split.fields, nonFieldErrors: split.nonField }
      // `shows` reads only the state listed here.
    }, [checked, submitErrors, attempted, touched, dirty, validateOn])

    const mutation = useMutation(
      {
        mutationKey: ['mizan', 'call', names.submit] as const,
        mutationFn: async (data: Values, context: MutationFunctionContext): Promise<SubmitBody> => {
          const outcome = await runtime.client.call(names.submit, data)
          const body = (isRecord(outcome.result) ? outcome.result : { success: true, data: outcome.result }) as SubmitBody
          // A refused form changed nothing, so its invalidate/merge (if any) are not applied.
          if (body.success !== false) await applyMizanResponse(context.client, outcome)
          return body
        },
      },
      runtime.queryClient,
    )

    const roundTrip = useRef(0)
    async function validateOnServer(): Promise<FormErrorMap> {
      const ticket = ++roundTrip.current
      const data = prepareFormData(currentValues(), latest.current.kinds)
      const { result } = await runtime.client.call(names.validate, { data })
      const map = errorsFromWire(isRecord(result) ? result['errors'] : undefined)
      if (ticket === roundTrip.current) setRoundTripErrors(map)
      return map
    }

    function setValue(name: string, value: unknown) {
      editsRef.current = { ...editsRef.current, [name]: value }
      setEdits(editsRef.current)
      setDirty((d) => (ownValue(d, name) ? d : { ...d, [name]: true }))
      // The server's verdict was about the old value.
      setSubmitErrors((m) => withoutField(m, name))
      setRoundTripErrors((m) => (m ? withoutField(m, name) : m))
    }

    function setValues(next: Values) {
      for (const [name, value] of Object.entries(next)) setValue(name, value)
    }

    function touch(name: string) {
      setTouched((t) => (ownValue(t, name) ? t : { ...t, [name]: true }))
      const live = options.serverValidation ?? formSchema?.meta.live_validation ?? false
      if (!latest.current.schema && live && validateOn !== 'submit') validateOnServer().catch(() => undefined)
    }

    async function validate(): Promise<boolean> {
      setAttempted(true)
      const own = latest.current.schema
      if (own) return !hasErrors(await validateWithSchema(own, prepareFormData(currentValues(), latest.current.kinds)))
      try {
        return !hasErrors(await validateOnServer())
      } catch (error) {
        setSubmitErrors(errorsFromFailure(error))
        return false
      }
    }

    async function submit(): Promise<FormSubmitOutcome<unknown>> {
      setAttempted(true)
      const data = prepareFormData(currentValues(), latest.current.kinds)
      const own = latest.current.schema
      if (own) {
        const found = await validateWithSchema(own, data)
        if (hasErrors(found)) {
          setStatus('invalid')
          return { ok: false, errors: found, sent: false }
        }
      }
      try {
        const body = await mutation.mutateAsync(data)
        if (body.success === false) {
          const list = Array.isArray(body.errors) ? body.errors : isRecord(body.errors) ? body.errors['errors'] : undefined
          const map = errorsFromWire(list)
          if (!hasErrors(map)) map[NON_FIELD] = [{ message: 'The form was not accepted.', source: 'server' }]
          setSubmitErrors(map)
          setStatus('invalid')
          return { ok: false, errors: map, sent: true }
        }
        setSubmitErrors(NO_ERRORS)
        setRoundTripErrors(null)
        setStatus('success')
        latest.current.onSuccess?.(body.data)
        return { ok: true, data: body.data }
      } catch (error) {
        const map = errorsFromFailure(error)
        setSubmitErrors(map)
        setStatus('error')
        return error instanceof MizanError ? { ok: false, errors: map, sent: true, error } : { ok: false, errors: map, sent: true }
      }
    }

    function reset() {
      editsRef.current = {}
      setEdits({})
      setTouched({})
      setDirty({})
      setAttempted(false)
      setSubmitErrors(NO_ERRORS)
      setRoundTripErrors(null)
      setStatus('idle')
      mutation.reset()
    }

    const result = mutation.data && mutation.data.success !== false ? mutation.data.data : undefined
    const fieldByName = new Map(fields.map((f) => [f.name, f]))

    return {
      values,
      setValue,
      setValues,
      touched,
      touch,
      errors,
      nonFieldErrors,
      isValid: !hasErrors(checked) && !hasErrors(submitErrors),
      validate,
      field: <K extends string>(name: K) => ({
        name,
        value: ownValue(values, name),
        setValue: (value: unknown) => setValue(name, value),
        touch: () => touch(name),
        touched: !!ownValue(touched, name),
        errors: ownValue(errors as Record<string, FormError[]>, name) ?? [],
        schema: fieldByName.get(name),
      }),
      formSchema,
      fields,
      schemaStatus: schemaQuery.status,
      submit,
      handleSubmit: (event) => {
        event?.preventDefault()
        void submit()
      },
      isSubmitting: mutation.isPending,
      status: mutation.isPending ? 'submitting' : status,
      result,
      submitError: mutation.error instanceof MizanError ? mutation.error : null,
      reset,
    }
  }
  Object.defineProperty(useMizanForm, 'name', { value: hookName })
  return useMizanForm
}
