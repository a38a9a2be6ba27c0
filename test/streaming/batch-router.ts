/** Functions and contexts for the batching tests. */
import { z } from 'zod'
import { defineClient } from '../../src/server/defineClient.ts'
import { createRouter } from '../../src/server/router.ts'
import { MizanError } from '../../src/shared/errors.ts'

const Profile = z.object({ user_id: z.number(), name: z.string() })
const names = new Map<number, string>([[1, 'ada']])
let version = 0

export const batchRouter = createRouter({
  echo: defineClient({ input: z.object({ text: z.string() }) }, ({ text }) => ({ text })),
  slowEcho: defineClient({ input: z.object({ text: z.string(), ms: z.number() }) }, async ({ text, ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms))
    return { text }
  }),
  refuse: defineClient({}, () => {
    throw new MizanError('FORBIDDEN', 'Not yours')
  }),
  crash: defineClient({}, () => {
    throw new Error('secret stack detail')
  }),
  profile: defineClient({ context: 'user', input: z.object({ user_id: z.number() }), output: Profile }, ({ user_id }) => ({ user_id, name: names.get(user_id) ?? '?' })),
  version: defineClient({ context: 'meta' }, () => ({ version })),
  rename: defineClient({ merge: 'user', input: z.object({ user_id: z.number(), name: z.string() }), output: Profile }, ({ user_id, name }) => {
    names.set(user_id, name)
    return { user_id, name }
  }),
  bump: defineClient({ affects: 'meta' }, () => ({ version: ++version })),
  ticks: defineClient({}, async function* () {
    yield 1
  }),
})

export type BatchRouter = typeof batchRouter
