/**
 * A small app with forms for the form-hook tests: `contact` (affects the `inbox` context of the
 * user it writes to), `feedback` (auth-gated), and a shared schema module the client imports.
 */
import { z } from 'zod'
import { createMizan, MizanError } from '../../src/server/index.ts'
import type { TestUser } from '../fixtures/app-router.ts'

/** Shared by both sides: the browser validates with it, the server with it plus server-only rules. */
export const ContactSchema = z.object({
  user_id: z.number().int(),
  name: z.string().min(2).max(20),
  email: z.email().max(320),
  topic: z.enum(['sales', 'support']),
  message: z.string().min(10),
  age: z.number().int().min(18).optional(),
})

export const FeedbackSchema = z.object({ rating: z.number().int().min(1).max(5), comment: z.string().optional() })

/** In-memory inboxes; `reset()` between tests. */
export const inboxes = {
  messages: new Map<number, { from: string; topic: string; message: string }[]>(),
  salesClosed: false,
  reset() {
    this.messages = new Map([
      [1, []],
      [2, []],
    ])
    this.salesClosed = false
  },
}
inboxes.reset()

const { defineClient, defineForm, createRouter } = createMizan<TestUser>()

export const currentUser = defineClient({ context: 'global' }, (_i, ctx) => (ctx.user ? { id: ctx.user.id, username: ctx.user.username } : null))

export const inboxCount = defineClient({ context: 'inbox', input: z.object({ user_id: z.number().int() }) }, ({ user_id }) => ({
  count: inboxes.messages.get(user_id)?.length ?? 0,
}))

/** A plain function a page reads as a query (`mizan.queryOptions.call`). */
export const recentSenders = defineClient({ input: z.object({ user_id: z.number().int() }) }, ({ user_id }) =>
  (inboxes.messages.get(user_id) ?? []).map((m) => m.from),
)

/** Rules only the server can check (who is blocked, whether sales takes messages today). */
const ServerContactSchema = ContactSchema.superRefine((value, ctx) => {
  if (value.email.endsWith('@blocked.test')) ctx.addIssue({ code: 'custom', path: ['email'], message: 'This address is blocked.' })
  if (value.topic === 'sales' && inboxes.salesClosed) ctx.addIssue({ code: 'custom', message: 'Sales takes no messages today.' })
})

export const contact = defineForm({
  schema: ServerContactSchema,
  title: 'Contact the team',
  submitLabel: 'Send',
  fields: { topic: { initial: 'support', choiceLabels: { sales: 'Sales', support: 'Support' } }, message: { widget: 'Textarea' } },
  affects: ['inbox', recentSenders],
  onSubmit: (values) => {
    if (values.name === 'Mallory') {
      // A handler's own verdict, as a call error: mapped onto the field like the form's errors.
      throw new MizanError('VALIDATION_ERROR', 'Rejected', { details: { fields: { name: ['Mallory may not write.'] } } })
    }
    const list = inboxes.messages.get(values.user_id) ?? []
    list.push({ from: values.name, topic: values.topic, message: values.message })
    inboxes.messages.set(values.user_id, list)
    return { delivered: true as const, position: list.length }
  },
})

export const feedback = defineForm({
  schema: FeedbackSchema,
  auth: true,
  onSubmit: (values, ctx) => ({ thanks: ctx.user!.username, rating: values.rating }),
})

export const formsRouter = createRouter({ currentUser, inboxCount, recentSenders, contact, feedback })

export type FormsRouter = typeof formsRouter
