/**
 * The "contact the team" form's schema, imported by both halves: the server builds the form
 * from it (defineForm in server/router.ts) and the browser validates with it before sending
 * (`mizan.useContactForm({ schema: ContactSchema })`). A Zod schema is data, not server code,
 * so sharing it ships no handler, store or secret to the browser.
 */
import { z } from 'zod'

export const TOPICS = ['question', 'feedback', 'praise'] as const

export const ContactSchema = z.object({
  user_id: z.number().int().describe('Who should read it'),
  name: z.string().trim().min(2, 'Tell us your name (2 characters or more)').max(40),
  email: z.email('Enter a valid email address'),
  topic: z.enum(TOPICS),
  message: z.string().trim().min(10, 'Say a little more (10 characters or more)').max(500),
})

export type ContactValues = z.input<typeof ContactSchema>
