import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createRouter, defineClient, RouterDefinitionError } from '../../src/server/index.ts'
import { appRouter } from '../fixtures/app-router.ts'

describe('createRouter', () => {
  it('derives snake_case wire names and honours an explicit name', () => {
    const legacy = defineClient({ name: 'legacy_fn_v2' }, () => 1)
    const router = createRouter({ userProfile: defineClient({}, () => 1), legacy })
    expect([...router.functions.keys()]).toEqual(['user_profile', 'legacy_fn_v2'])
  })

  it('groups contexts and elevates params shared by every member', () => {
    const user = appRouter.contexts.get('user')!
    expect(user.members.map((m) => m.wireName)).toEqual(['user_profile', 'user_posts'])
    expect(user.params.get('user_id')).toMatchObject({ required: true, kind: 'integer' })
    expect(user.params.get('limit')).toMatchObject({ required: false })
  })

  it('takes the highest rev and the strictest cache policy of a context', () => {
    const a = defineClient({ context: 'c', rev: 1, cache: 60 }, () => 1)
    const b = defineClient({ context: 'c', rev: 3, cache: 30 }, () => 2)
    const c = createRouter({ a, b }).contexts.get('c')!
    expect(c.rev).toBe(3)
    expect(c.cache).toBe(30)
    const d = defineClient({ context: 'c', cache: false }, () => 3)
    expect(createRouter({ a, d }).contexts.get('c')!.cache).toBe(false)
  })

  it.each([
    // @ts-expect-error the types reject it as well (test/client/type-gaps.test-d.ts); a JavaScript caller gets this error
    ['an unknown affects target', () => createRouter({ m: defineClient({ affects: 'ghost' }, () => 1) })],
    ['a function target outside the router', () => createRouter({ m: defineClient({ affects: defineClient({}, () => 1) }, () => 1) })],
    [
      'a merge with no matching slot',
      () => createRouter({ c: defineClient({ context: 'x', output: z.object({ a: z.number() }) }, () => ({ a: 1 })), m: defineClient({ merge: 'x', output: z.object({ b: z.number() }) }, () => ({ b: 1 })) }),
    ],
    ['a key that does not round-trip', () => createRouter({ getHTTPStatus: defineClient({}, () => 1) })],
    ['two functions with one wire name', () => createRouter({ a: defineClient({ name: 'x' }, () => 1), b: defineClient({ name: 'x' }, () => 1) })],
    ['a function named like a context hook', () => createRouter({ userContext: defineClient({}, () => 1), p: defineClient({ context: 'user' }, () => 1) })],
  ])('fails at startup for %s', (_what, build) => {
    expect(build).toThrow(RouterDefinitionError)
  })

  it('rejects context and affects together at runtime too', () => {
    expect(() => defineClient({ context: 'x', affects: 'y' } as {}, () => 1)).toThrow(TypeError)
  })
})
