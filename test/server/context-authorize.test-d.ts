import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { createMizan, createRouter, defineClient, type RequestContext } from '../../src/server/index.ts'

interface AppUser { id: number; team: string }
const m = createMizan<AppUser>()

const defs = {
  boardTasks: m.defineClient({ context: 'board', input: z.object({ board_id: z.number(), page: z.number().optional() }) }, () => []),
  boardName: m.defineClient({ context: 'board', input: z.object({ board_id: z.number() }) }, () => ''),
  me: m.defineClient({ context: 'profile' }, () => null),
}

describe('createRouter(defs, { contexts })', () => {
  it('types authorize params as the context bundle params and ctx with the app user', () => {
    m.createRouter(defs, {
      contexts: {
        board: {
          authorize: (params, ctx) => {
            expectTypeOf(params).toEqualTypeOf<{ board_id: number; page?: number | undefined }>()
            expectTypeOf(ctx).toEqualTypeOf<RequestContext<AppUser>>()
            expectTypeOf(ctx.user).toEqualTypeOf<AppUser | null>()
            return ctx.user?.team === 'a' && params.board_id > 0
          },
        },
        profile: { authorize: async (params) => Object.keys(params).length === 0 },
      },
    })
  })

  it('rejects an unknown context name, a wrong param and a non-boolean answer', () => {
    // @ts-expect-error 'boards' is not a context of these defs
    m.createRouter(defs, { contexts: { boards: { authorize: () => true } } })
    m.createRouter(defs, {
      contexts: {
        board: {
          // @ts-expect-error board_id is a number
          authorize: (params: { board_id: string }) => params.board_id === '1',
        },
      },
    })
    // @ts-expect-error authorize answers a boolean
    m.createRouter(defs, { contexts: { board: { authorize: () => 'yes' } } })
  })

  it('works on the module-level createRouter with the default user', () => {
    const r = createRouter({ a: defineClient({ context: 'things', input: z.object({ id: z.string() }) }, () => 1) }, {
      contexts: { things: { authorize: (params, ctx) => params.id === String(ctx.user?.id) } },
    })
    expectTypeOf(r.defs.a).not.toBeAny()
    // @ts-expect-error no context 'other'
    createRouter({ a: defineClient({ context: 'things' }, () => 1) }, { contexts: { other: {} } })
  })
})
