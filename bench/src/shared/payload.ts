/**
 * The one schema and payload every server validates: the same Zod 4 instance (the root's
 * node_modules/zod, which our library also uses), so no peer gets a cheaper schema.
 */
import { z } from 'zod'

export const EchoInput = z.object({
  id: z.number().int(),
  name: z.string().min(1).max(100),
  email: z.string().max(200),
  active: z.boolean(),
  tags: z.array(z.string()).max(20),
  address: z.object({ street: z.string(), city: z.string(), zip: z.string() }),
  scores: z.array(z.number()),
})

export type EchoInput = z.infer<typeof EchoInput>

export const PAYLOAD: EchoInput = {
  id: 4217,
  name: 'Ada Lovelace',
  email: 'ada@example.org',
  active: true,
  tags: ['math', 'engines', 'poetry', 'notes'],
  address: { street: '12 St James Square', city: 'London', zip: 'SW1Y 4JH' },
  scores: [9.5, 8.25, 10, 7.75],
}

/** Members of the 10-function context (and the one plain function they are compared with). */
export const MEMBER_KEYS = ['dashA', 'dashB', 'dashC', 'dashD', 'dashE', 'dashF', 'dashG', 'dashH', 'dashI', 'dashJ'] as const
export const SLOW_KEYS = ['slowA', 'slowB', 'slowC', 'slowD', 'slowE', 'slowF', 'slowG', 'slowH', 'slowI', 'slowJ'] as const
export const MemberInput = z.object({ user_id: z.number().int() })
export const memberResult = (user_id: number, slot: number) => ({ user_id, slot, label: `member ${slot}`, value: slot * 10, ok: true })
export const SLOW_MS = 5
