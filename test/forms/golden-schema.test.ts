/**
 * The field schema and the verdicts our defineForm serves, against what the Python backend
 * (django-izana 1.1.0) answered for the same form in the recorded golden cases. The form is
 * declared here as the interop fixture declares it. Messages are Django's and not ours to copy;
 * the field schema must match exactly, the verdicts by field and code; and the browser's own
 * check (same Zod schema, no request) must reach the server's verdict.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { errorsFromWire, prepareFormData, validateWithSchema, type FieldKind } from '../../src/client/react/form-errors.ts'
import { createCaller, createMizan } from '../../src/server/index.ts'
import type { FieldSchema } from '../../src/server/index.ts'

const Contact = z.object({
  name: z.string().max(20).describe('Your name'),
  email: z.email().max(320),
  topic: z.enum(['sales', 'support']),
  age: z.number().int().min(18).optional(),
  message: z.string().optional(),
})

const { defineForm, createRouter } = createMizan()
const router = createRouter({
  contact: defineForm({
    schema: Contact,
    title: 'Contact us',
    submitLabel: 'Send',
    fields: { topic: { initial: 'support' }, message: { widget: 'Textarea' } },
    onSubmit: (values) => ({ received: values.name, topic: values.topic }),
  }),
})
const caller = createCaller(router) as unknown as Record<string, (input: unknown) => Promise<unknown>>

interface GoldenCase {
  request: { body: string }
  response: { json: { result: unknown } }
}
const golden = (name: string): GoldenCase => JSON.parse(readFileSync(new URL(`../interop/golden/${name}.json`, import.meta.url), 'utf8')) as GoldenCase
const argsOf = (c: GoldenCase) => (JSON.parse(c.request.body) as { args: Record<string, unknown> }).args
type Verdict = { field: string; errors: { code?: string }[] }[]
const codes = (list: Verdict) => list.map((f) => ({ field: f.field, codes: f.errors.map((e) => e.code) }))

describe('defineForm against the Python backend’s golden form cases', () => {
  it.each(['call-contact-schema', 'call-contact-schema-data'])('%s: the served field schema is the same', async (name) => {
    const recorded = golden(name)
    expect(await caller['contact.schema']!(argsOf(recorded))).toEqual(recorded.response.json.result)
  })

  it('call-contact-validate-errors / -ok: same failing fields and codes', async () => {
    for (const name of ['call-contact-validate-errors', 'call-contact-validate-ok']) {
      const recorded = golden(name)
      const ours = (await caller['contact.validate']!(argsOf(recorded))) as { errors: Verdict }
      expect(codes(ours.errors), name).toEqual(codes((recorded.response.json.result as { errors: Verdict }).errors))
    }
  })

  it('call-contact-submit-errors / -ok: same outcome', async () => {
    const failed = golden('call-contact-submit-errors')
    const ours = (await caller['contact.submit']!(argsOf(failed))) as { success: boolean; errors: { errors: Verdict } }
    const theirs = failed.response.json.result as { success: boolean; errors: { errors: Verdict } }
    expect([ours.success, codes(ours.errors.errors)]).toEqual([theirs.success, codes(theirs.errors.errors)])
    const ok = golden('call-contact-submit-ok')
    expect(await caller['contact.submit']!(argsOf(ok))).toEqual(ok.response.json.result)
  })

  it('the browser-side check with the same Zod schema reaches the Python verdict with no request', async () => {
    const fields = (golden('call-contact-schema').response.json.result as { fields: FieldSchema[] }).fields
    const kinds = new Map<string, FieldKind>(fields.map((f) => [f.name, f.type === 'number' ? 'number' : 'other']))
    for (const name of ['call-contact-validate-errors', 'call-contact-validate-ok']) {
      const recorded = golden(name)
      const data = (argsOf(recorded) as { data: Record<string, unknown> }).data
      const client = await validateWithSchema(Contact, prepareFormData(data, kinds))
      const theirs = errorsFromWire((recorded.response.json.result as { errors: unknown }).errors)
      const strip = (map: typeof client) => Object.fromEntries(Object.entries(map).map(([f, list]) => [f, list.map((e) => e.code)]))
      expect(strip(client), name).toEqual(strip(theirs))
    }
  })
})
