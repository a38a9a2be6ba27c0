import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import type { FormError, FormSubmitOutcome, MizanForm } from '../../src/client/react/index.ts'
import type { FormResultOf, FormValuesOf } from '../../src/shared/types.ts'
import { ContactSchema, FeedbackSchema, type FormsRouter } from './forms-router.ts'

const mizan = createMizanReact<FormsRouter>()

type ContactValues = {
  user_id: number
  name: string
  email: string
  topic: 'sales' | 'support'
  message: string
  age?: number | undefined
}

describe('use<Name>Form', () => {
  it('is named after the form and typed by its schema', () => {
    expectTypeOf<FormValuesOf<FormsRouter, 'contact'>>().toEqualTypeOf<ContactValues>()
    expectTypeOf(mizan.useContactForm()).toEqualTypeOf<MizanForm<ContactValues, { delivered: true; position: number }>>()
    expectTypeOf(mizan.useContactForm().values).toEqualTypeOf<Partial<ContactValues>>()
    expectTypeOf(mizan.useContactForm().result).toEqualTypeOf<{ delivered: true; position: number } | undefined>()
    expectTypeOf(mizan.useFeedbackForm().values.rating).toEqualTypeOf<number | undefined>()
    expectTypeOf<FormResultOf<FormsRouter, 'feedback'>>().toEqualTypeOf<{ thanks: string; rating: number }>()
  })

  it('types setters, touched state, errors and the submit outcome by field', () => {
    const form = mizan.useContactForm({ schema: ContactSchema })
    form.setValue('topic', 'sales')
    form.setValue('age', undefined)
    // @ts-expect-error not one of the choices
    form.setValue('topic', 'billing')
    // @ts-expect-error a number field
    form.setValue('age', '3')
    // @ts-expect-error no such field
    form.setValue('phone', '555')
    form.touch('email')
    // @ts-expect-error no such field
    form.touch('phone')
    expectTypeOf(form.touched.email).toEqualTypeOf<boolean | undefined>()
    expectTypeOf(form.errors.email).toEqualTypeOf<FormError[] | undefined>()
    expectTypeOf(form.errors.email![0]!.source).toEqualTypeOf<'client' | 'server'>()
    expectTypeOf(form.field('topic').value).toEqualTypeOf<'sales' | 'support' | undefined>()
    expectTypeOf(form.submit()).toEqualTypeOf<Promise<FormSubmitOutcome<{ delivered: true; position: number }>>>()
  })

  it('takes only a schema whose input is the form values', () => {
    mizan.useContactForm({ schema: ContactSchema, initialValues: { topic: 'support' } })
    mizan.useFeedbackForm({ schema: FeedbackSchema })
    // @ts-expect-error another form's schema
    mizan.useContactForm({ schema: FeedbackSchema })
    // @ts-expect-error a field of the wrong type
    mizan.useContactForm({ schema: ContactSchema.extend({ age: z.string() }) })
    // @ts-expect-error not a value of the field
    mizan.useContactForm({ initialValues: { topic: 'billing' } })
  })

  it('exists only for forms, and a form is no function hook', () => {
    // @ts-expect-error inboxCount is a context member, not a form
    void mizan.useInboxCountForm
    // @ts-expect-error a form has no mutation hook of its own name
    void mizan.useContact
    expectTypeOf(mizan.useInboxCount()).toEqualTypeOf<{ count: number }>()
  })
})
