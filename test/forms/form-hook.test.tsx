// @vitest-environment jsdom
import { act, cleanup, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { errorsFromWire, prepareFormData, validateWithSchema, type FieldKind } from '../../src/client/react/form-errors.ts'
import type { FieldSchema } from '../../src/client/react/index.ts'
import { createCaller } from '../../src/server/caller.ts'
import { jsonResponse } from '../client/test-server.ts'
import { ContactFormView, inboxPath, InboxCount, mizan, renderForms, type ContactForm } from './form-app.tsx'
import { ContactSchema, formsRouter, inboxes } from './forms-router.ts'

afterEach(cleanup)
beforeEach(() => inboxes.reset())

let form!: ContactForm
const capture = (f: ContactForm) => {
  form = f
}
const VALID = { name: 'Ada', email: 'ada@example.com', topic: 'support', message: 'Hello there, team!' } as const

async function contactForm(options: Parameters<typeof renderForms>[1] = {}, withSchema = true) {
  const app = renderForms(<ContactFormView onForm={capture} withSchema={withSchema} />, options)
  await screen.findByRole('button', { name: 'Send' })
  return app
}

const alerts = () =>
  screen.queryAllByRole('alert').map((el) => `${el.getAttribute('data-field')}/${el.getAttribute('data-source')}: ${el.textContent}`)

describe('use<Name>Form: the field schema', () => {
  it('fetches <name>.schema once for every form on the page and renders its fields with their initial values', async () => {
    const { server } = renderForms(
      <>
        <ContactFormView onForm={capture} />
        <ContactFormView onForm={() => undefined} />
      </>,
    )
    expect(await screen.findAllByRole('form', { name: 'Contact the team' })).toHaveLength(2)
    expect(form.fields.map((f) => `${f.name}:${f.type}:${f.widget}:${f.required}`)).toEqual([
      'user_id:number:NumberInput:true',
      'name:text:TextInput:true',
      'email:email:EmailInput:true',
      'topic:select:Select:true',
      'message:text:Textarea:true',
      'age:number:NumberInput:false',
    ])
    expect(screen.getAllByRole('combobox', { name: 'Topic' })[0]).toHaveProperty('value', 'support')
    expect(form.values).toEqual({ topic: 'support', user_id: 1 })
    expect(server.calls('contact.schema')).toBe(1)
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/ctx/global/', '/api/mizan/call/'])
  })
})

describe('client-side validation', () => {
  it('shows errors with no request at all, each tagged client, as fields are left and on submit', async () => {
    const { server } = await contactForm()
    const sent = server.requests.length
    act(() => form.setValues({ name: 'A', email: 'not-an-email' }))
    expect(form.errors).toEqual({}) // computed, but nothing was left yet
    act(() => form.touch('name'))
    expect(form.errors).toEqual({ name: [{ message: expect.stringMatching(/>=2 characters/), code: 'min_length', source: 'client' }] })
    expect(form.isValid).toBe(false)

    const outcome = await act(() => form.submit())
    expect(outcome).toMatchObject({ ok: false, sent: false })
    expect(alerts()).toEqual([
      'name/client: Too small: expected string to have >=2 characters',
      'email/client: Invalid email address',
      'message/client: This field is required.',
    ])
    expect(form.status).toBe('invalid')
    expect(server.requests.length).toBe(sent)
    expect([server.calls('contact.validate'), server.calls('contact.submit')]).toEqual([0, 0])

    // Errors follow the values live, still without requests.
    act(() => form.setValues({ name: 'Ada', age: 12 }))
    expect(form.errors.name).toBeUndefined()
    expect(form.errors.age).toEqual([{ message: expect.any(String), code: 'min_value', source: 'client' }])
    expect(server.requests.length).toBe(sent)
  })

  it('finds what the server would find: same fields, codes and messages as <name>.validate', async () => {
    const caller = createCaller(formsRouter) as unknown as Record<string, (input: unknown) => Promise<Record<string, unknown>>>
    const schema = (await caller['contact.schema']!({})) as { fields: FieldSchema[] }
    const kinds = new Map<string, FieldKind>(schema.fields.map((f) => [f.name, f.type === 'number' ? 'number' : 'other']))
    const inputs: Record<string, unknown>[] = [
      { user_id: '1', name: 'x'.repeat(30), email: 'bad', topic: 'nope', age: '3', message: 'short' },
      {},
      { user_id: 1, name: '', email: '', topic: 'sales', message: 'Hello there, team!', age: '' },
      { user_id: '2', ...VALID, age: '40' },
    ]
    for (const data of inputs) {
      const server = errorsFromWire((await caller['contact.validate']!({ data }))['errors'])
      const client = await validateWithSchema(ContactSchema, prepareFormData(data, kinds))
      const strip = (map: typeof client) => Object.fromEntries(Object.entries(map).map(([f, list]) => [f, list.map(({ message, code }) => ({ message, code }))]))
      expect(strip(client), JSON.stringify(data)).toEqual(strip(server))
    }
  })
})

describe('when errors show', () => {
  function Probe({ validateOn }: { validateOn: 'change' | 'submit' }) {
    form = mizan.useContactForm({ schema: ContactSchema, validateOn, initialValues: { user_id: 1 } })
    return <p>{form.schemaStatus}</p>
  }

  it("validateOn 'change' shows a field's errors as soon as it is edited; 'submit' only after a submit attempt", async () => {
    const first = renderForms(<Probe validateOn="change" />)
    await screen.findByText('success')
    act(() => form.setValue('name', 'A'))
    expect(Object.keys(form.errors)).toEqual(['name'])
    first.unmount()

    const { server } = renderForms(<Probe validateOn="submit" />)
    await screen.findByText('success')
    act(() => form.setValue('name', 'A'))
    act(() => form.touch('name'))
    expect(form.errors).toEqual({})
    expect(await act(() => form.submit())).toMatchObject({ ok: false, sent: false })
    expect(Object.keys(form.errors).sort()).toEqual(['email', 'message', 'name'])
    expect(server.calls('contact.submit')).toBe(0)
  })

  it('without a client schema, leaving a field asks <name>.validate (the field schema says live_validation) and shows that field only', async () => {
    const { server } = await contactForm({}, false)
    act(() => form.setValues({ name: 'A', email: 'bad' }))
    act(() => form.touch('name'))
    await waitFor(() => expect(form.errors.name).toEqual([{ message: expect.any(String), code: 'min_length', source: 'server' }]))
    expect(form.errors.email).toBeUndefined()
    expect(server.calls('contact.validate')).toBe(1)
  })
})

describe('server-side errors', () => {
  it('a refused submit maps field and non-field errors, tagged server; editing a field drops its verdict', async () => {
    inboxes.salesClosed = true
    const { server } = await contactForm()
    act(() => form.setValues({ ...VALID, email: 'ada@blocked.test', topic: 'sales' }))
    const outcome = await act(() => form.submit())
    expect(outcome).toMatchObject({ ok: false, sent: true })
    expect(form.errors).toEqual({ email: [{ message: 'This address is blocked.', code: 'invalid', source: 'server' }] })
    expect(form.nonFieldErrors).toEqual([{ message: 'Sales takes no messages today.', code: 'invalid', source: 'server' }])
    expect(alerts()).toEqual(['email/server: This address is blocked.', '__all__/server: Sales takes no messages today.'])
    expect(server.calls('contact.submit')).toBe(1)

    act(() => form.setValue('email', 'ada@example.com'))
    expect(form.errors.email).toBeUndefined()
    expect(form.nonFieldErrors).toHaveLength(1)
  })

  it("a handler's VALIDATION_ERROR lands on its field", async () => {
    await contactForm()
    act(() => form.setValues({ ...VALID, name: 'Mallory' }))
    const outcome = await act(() => form.submit())
    expect(outcome).toMatchObject({ ok: false, sent: true, error: { code: 'VALIDATION_ERROR' } })
    expect(form.errors).toEqual({ name: [{ message: 'Mallory may not write.', code: 'invalid', source: 'server' }] })
    expect(form.submitError?.code).toBe('VALIDATION_ERROR')
  })

  it('without a client schema (a Python backend), the submit and validate() are the server’s checks', async () => {
    const { server } = await contactForm({}, false)
    act(() => form.setValues({ name: 'A', email: 'bad' }))
    const outcome = await act(() => form.submit())
    expect(outcome).toMatchObject({ ok: false, sent: true })
    expect(form.errors).toEqual({
      name: [{ message: expect.any(String), code: 'min_length', source: 'server' }],
      email: [{ message: expect.any(String), code: 'invalid', source: 'server' }],
      message: [{ message: 'This field is required.', code: 'required', source: 'server' }],
    })
    act(() => form.setValues({ name: 'Ada', email: 'ada@example.com' }))
    expect(await act(() => form.validate())).toBe(false)
    expect(Object.keys(form.errors)).toEqual(['message'])
    expect([server.calls('contact.validate'), server.calls('contact.submit')]).toEqual([1, 1])
  })

  it('a call that fails is a non-field error with its code', async () => {
    let feedback!: ReturnType<typeof mizan.useFeedbackForm>
    function Feedback() {
      feedback = mizan.useFeedbackForm({ fetchSchema: false })
      return <p>feedback</p>
    }
    const { server } = renderForms(<Feedback />)
    await screen.findByText('feedback')
    act(() => feedback.setValue('rating', 5))
    const outcome = await act(() => feedback.submit())
    expect(outcome).toMatchObject({ ok: false, sent: true, error: { code: 'UNAUTHORIZED' } })
    expect(feedback.nonFieldErrors).toEqual([{ message: 'Authentication required', code: 'UNAUTHORIZED', source: 'server' }])
    expect(feedback.status).toBe('error')
    expect(server.calls('feedback.schema')).toBe(0)
  })
})

describe('submit', () => {
  function page() {
    return (
      <>
        <mizan.InboxContext params={{ user_id: 1 }} fallback={<p>loading inbox 1</p>}>
          <InboxCount />
        </mizan.InboxContext>
        <mizan.InboxContext params={{ user_id: 2 }} fallback={<p>loading inbox 2</p>}>
          <InboxCount />
        </mizan.InboxContext>
        <ContactFormView onForm={capture} />
      </>
    )
  }

  it('returns the result and refreshes exactly the affected context (scoped by the submitted user_id)', async () => {
    const { server } = renderForms(page())
    await waitFor(() => expect(screen.getAllByText('inbox: 0')).toHaveLength(2))
    await screen.findByRole('button', { name: 'Send' })
    act(() => form.setValues(VALID))
    const outcome = await act(() => form.submit())
    expect(outcome).toEqual({ ok: true, data: { delivered: true, position: 1 } })
    expect(form.result).toEqual({ delivered: true, position: 1 })
    expect(form.status).toBe('success')
    expect(await screen.findByText('inbox: 1')).toBeTruthy()
    expect([server.count(inboxPath(1)), server.count(inboxPath(2))]).toEqual([2, 1])
  })

  it('a refused submit applies none of the invalidation the server still declared', async () => {
    const { server } = renderForms(page())
    await screen.findByRole('button', { name: 'Send' })
    act(() => form.setValues({ ...VALID, email: 'ada@blocked.test' }))
    expect(await act(() => form.submit())).toMatchObject({ ok: false, sent: true })
    expect([server.count(inboxPath(1)), server.count(inboxPath(2))]).toEqual([1, 1])
  })

  it('applies a merge the response declares, with no refetch', async () => {
    const merged = { result: { success: true, data: { delivered: true, position: 9 } }, merge: [{ context: 'inbox', slot: 'inbox_count', value: { count: 42 }, params: { user_id: 1 } }] }
    const { server } = renderForms(page(), { intercept: (body) => (body?.['fn'] === 'contact.submit' ? jsonResponse(200, merged) : undefined) })
    await screen.findByRole('button', { name: 'Send' })
    act(() => form.setValues(VALID))
    expect(await act(() => form.submit())).toEqual({ ok: true, data: { delivered: true, position: 9 } })
    expect(await screen.findByText('inbox: 42')).toBeTruthy()
    expect([server.count(inboxPath(1)), server.count(inboxPath(2))]).toEqual([1, 1])
  })

  it('goes over HTTP through the CSRF bootstrap like any call', async () => {
    const { server } = await contactForm({ csrf: true })
    act(() => form.setValues(VALID))
    expect(await act(() => form.submit())).toMatchObject({ ok: true })
    expect(server.requests.map((r) => `${r.method} ${r.path} ${(r.body?.['fn'] as string | undefined) ?? ''}`.trim())).toEqual([
      'GET /api/mizan/ctx/global/',
      'GET /api/mizan/session/',
      'POST /api/mizan/call/ contact.schema',
      'POST /api/mizan/call/ contact.submit',
    ])
    const submit = server.requests[3]!
    const token = /csrftoken=([^;]+)/.exec(submit.headers.get('cookie') ?? '')?.[1]
    expect(token).toBeTruthy()
    expect(submit.headers.get('x-csrftoken')).toBeTruthy()
    expect(inboxes.messages.get(1)).toHaveLength(1)
  })

  it('reset() forgets values, touched state, errors and the result', async () => {
    await contactForm()
    act(() => form.setValues({ ...VALID, name: 'A' }))
    act(() => form.touch('name'))
    expect(form.errors.name).toHaveLength(1)
    act(() => form.reset())
    expect(form.values).toEqual({ topic: 'support', user_id: 1 })
    expect([form.errors, form.touched, form.status, form.result]).toEqual([{}, {}, 'idle', undefined])
  })
})
