import type { ReactNode } from 'react'
import type { FieldSchema, FormError } from 'mizan-ts/react'
import { ContactSchema, type ContactValues } from '../shared/contact-form.ts'
import { mizan } from './mizan.ts'

type Form = ReturnType<typeof mizan.useContactForm>

function Errors({ name, errors }: { name: string; errors: FormError[] | undefined }) {
  if (!errors?.length) return null
  return (
    <span className="field-error" role="alert" data-testid={`contact-error-${name}`} data-source={errors[0]!.source}>
      {errors.map((e) => e.message).join(' ')} <small>({errors[0]!.source})</small>
    </span>
  )
}

/** One control per field; labels, help texts and choices come from the served field schema. */
function Control({ form, field, memberIds }: { form: Form; field: FieldSchema; memberIds: number[] }): ReactNode {
  const common = { 'data-testid': `contact-${field.name}`, onBlur: () => form.touch(field.name as keyof ContactValues) }
  switch (field.name) {
    case 'user_id':
      return (
        <select {...common} value={form.values.user_id ?? ''} onChange={(e) => form.setValue('user_id', Number(e.target.value))}>
          {memberIds.map((id) => (
            <option key={id} value={id}>
              #{id}
            </option>
          ))}
        </select>
      )
    case 'topic':
      return (
        <select {...common} value={form.values.topic ?? ''} onChange={(e) => form.setValue('topic', e.target.value as ContactValues['topic'])}>
          {field.choices?.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      )
    case 'message':
      return <textarea {...common} rows={3} value={form.values.message ?? ''} onChange={(e) => form.setValue('message', e.target.value)} />
    case 'name':
    case 'email':
      return <input {...common} type={field.type} value={form.values[field.name] ?? ''} onChange={(e) => form.setValue(field.name as 'name', e.target.value)} />
    default:
      return null
  }
}

/**
 * `contact` is a server form (defineForm). `useContactForm` fetches its field schema once (or
 * finds it prefetched by the SSR page), validates with the shared Zod schema as you type (no
 * request), and submits over HTTP; server errors land on their fields marked `server`, and the
 * submit's `affects: 'user'` refreshes the recipient's card.
 */
export function ContactPanel({ defaultTo = 1 }: { defaultTo?: number }) {
  const form = mizan.useContactForm({ schema: ContactSchema, initialValues: { user_id: defaultTo } })
  const site = mizan.useSiteInfo()
  const memberIds = Array.from({ length: site.memberCount }, (_, i) => i + 1)
  if (!form.formSchema) {
    return <section className="panel">{form.schemaStatus === 'error' ? 'The form could not be loaded.' : 'Loading the form…'}</section>
  }
  return (
    <form className="panel" onSubmit={form.handleSubmit} noValidate data-testid="contact-form" data-status={form.status}>
      <h2>{form.formSchema.title}</h2>
      {form.fields.map((field) => (
        // biome-ignore lint/a11y/noLabelWithoutControl: <Control> renders the field's input inside the label
        <label key={field.name}>
          <span>
            {field.label}
            {field.required ? ' *' : ''}
          </span>
          <Control form={form} field={field} memberIds={memberIds} />
          {field.help_text && <small className="muted">{field.help_text}</small>}
          <Errors name={field.name} errors={form.errors[field.name as keyof ContactValues]} />
        </label>
      ))}
      <Errors name="form" errors={form.nonFieldErrors} />
      <button type="submit" data-testid="contact-submit" disabled={form.isSubmitting}>
        {form.formSchema.submit_label}
      </button>
      {form.result && (
        <p className="ok" data-testid="contact-result">
          Delivered to {form.result.delivered_to} (message #{form.result.count})
        </p>
      )}
    </form>
  )
}
