import { beforeEach, describe, expect, it } from 'vitest'
import { createCaller } from '../../src/server/index.ts'
import { MizanError } from '../../src/shared/errors.ts'
import { USERS, appRouter, db } from '../fixtures/app-router.ts'

beforeEach(() => db.reset())

describe('createCaller', () => {
  it('calls functions in-process with validation', async () => {
    const caller = createCaller(appRouter)
    expect(await caller.echo({ text: 'x' })).toEqual({ message: 'x' })
    await expect(caller.add({ a: 1.5, b: 1 })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
  })

  it('enforces auth against the given user', async () => {
    await expect(createCaller(appRouter).whoami()).rejects.toBeInstanceOf(MizanError)
    expect(await createCaller(appRouter, { user: USERS['alice'] }).whoami()).toEqual({ id: 1, username: 'alice' })
  })

  it('fetches whole bundles keyed by router key, or by wire name', async () => {
    const caller = createCaller(appRouter, { user: USERS['sam'] })
    const bundle = await caller.$context('user', { user_id: 2, limit: 1 })
    expect(bundle.userProfile).toEqual({ user_id: 2, name: 'Sam' })
    expect(bundle.userPosts).toHaveLength(1)
    expect(await caller.$contextWire('global')).toEqual({ current_user: { id: 2, username: 'sam' }, site_config: { name: 'Fixture', version: 1 } })
  })
})
