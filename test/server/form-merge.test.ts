import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { createRouter, defineClient, defineForm } from '../../src/server/index.ts'

const Profile = z.object({ user_id: z.number(), name: z.string() })
const router = createRouter({
  userProfile: defineClient({ context: 'user', input: z.object({ user_id: z.number() }), output: Profile }, ({ user_id }) => ({ user_id, name: 'x' })),
  rename: defineForm({
    schema: z.object({ user_id: z.number(), name: z.string().min(2) }),
    merge: 'user',
    output: Profile,
    onSubmit: ({ user_id, name }) => ({ user_id, name }),
  }),
})
const handler = createFetchHandler(router, { csrf: false })
const submit = async (args: object) =>
  (await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn: 'rename.submit', args }) }))).json()

describe('form submit with merge', () => {
  it('merges the submit data (not its {success} wrapper) into the matching slot (regression: form merge answered 500)', async () => {
    expect(await submit({ user_id: 4, name: 'Ann' })).toEqual({
      result: { success: true, data: { user_id: 4, name: 'Ann' } },
      merge: [{ context: 'user', slot: 'user_profile', value: { user_id: 4, name: 'Ann' }, params: { user_id: 4 } }],
    })
  })

  it('merges nothing when the submit is refused', async () => {
    const body = (await submit({ user_id: 4, name: 'A' })) as { result: { success: boolean }; merge?: unknown }
    expect(body.result.success).toBe(false)
    expect(body.merge).toBeUndefined()
  })
})

describe('refused form submits', () => {
  it('announce no invalidation (regression: a refused submit made every watcher refetch)', async () => {
    const events: unknown[] = []
    const r = createRouter({
      inbox: defineClient({ context: 'inbox', input: z.object({ user_id: z.number() }) }, () => []),
      contact: defineForm({ schema: z.object({ user_id: z.number(), text: z.string().min(3) }), affects: 'inbox', onSubmit: () => ({ ok: true }) }),
    })
    const h = createFetchHandler(r, { csrf: false, onInvalidate: (e) => void events.push(e) })
    const send = async (args: object) =>
      (await h(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: JSON.stringify({ fn: 'contact.submit', args }) }))).json()
    const refused = (await send({ user_id: 1, text: 'x' })) as { invalidate?: unknown }
    expect(refused.invalidate).toBeUndefined()
    const accepted = (await send({ user_id: 1, text: 'hello' })) as { invalidate?: unknown }
    expect(accepted.invalidate).toEqual([{ context: 'inbox', params: { user_id: 1 } }])
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(events).toHaveLength(1)
  })
})
