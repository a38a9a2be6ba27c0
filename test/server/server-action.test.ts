import { describe, expect, it } from 'vitest'
import { createServerAction } from '../../src/server/index.ts'
import { appRouter, db } from '../fixtures/app-router.ts'

describe('createServerAction', () => {
  it("answers a call's result with the invalidate and merge its affects/merge imply", async () => {
    db.reset()
    expect(await createServerAction(appRouter, 'updateProfile')({ user_id: 2, name: 'Sammy' })).toEqual({
      ok: true,
      result: { ok: true },
      invalidate: [{ context: 'user', params: { user_id: 2 } }],
      merge: [],
    })
    expect(await createServerAction(appRouter, 'renameUser')({ user_id: 1, name: 'Al' })).toEqual({
      ok: true,
      result: { user_id: 1, name: 'Al' },
      invalidate: [],
      merge: [{ context: 'user', slot: 'user_profile', value: { user_id: 1, name: 'Al' }, params: { user_id: 1 } }],
    })
  })

  it('returns errors in the envelope, and never the text of an exception from user code', async () => {
    const reported: unknown[] = []
    const buggy = await createServerAction(appRouter, 'buggyFn', { onError: (error) => reported.push(error) })()
    expect(buggy).toEqual({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'An internal error occurred' } })
    expect(JSON.stringify(buggy)).not.toContain('boom')
    expect(reported).toHaveLength(1)
    const invalid = await createServerAction(appRouter, 'add')({ a: 1, b: 'x' as never })
    expect(invalid.ok === false && invalid.error.code).toBe('VALIDATION_ERROR')
    const anonymous = await createServerAction(appRouter, 'whoami')()
    expect(anonymous.ok === false && anonymous.error.code).toBe('UNAUTHORIZED')
    const signedIn = await createServerAction(appRouter, 'whoami', async () => ({ user: { id: 1, username: 'alice', isStaff: false, isSuperuser: false } }))()
    expect(signedIn).toMatchObject({ ok: true, result: { id: 1, username: 'alice' } })
  })

  it('refuses what is not callable', () => {
    expect(() => createServerAction(appRouter, 'userProfile' as never)).toThrow(/not a callable function/)
    expect(() => createServerAction(appRouter, 'secretFn' as never)).toThrow(/not a callable function/)
  })
})
