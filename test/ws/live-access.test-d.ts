import { expectTypeOf, test } from 'vitest'
import { liveWith, type LiveInvalidationOptions } from '../../src/client/react/live.ts'
import type { MizanReactPlugin } from '../../src/client/react/plugin.ts'
import { createMizan, type ContextScope } from '../../src/server/index.ts'

const { defineClient, createRouter } = createMizan<{ id: number }>()
const defs = { me: defineClient({ context: 'me' }, () => ({ name: 'x' })) }

test("scope is 'user' or 'shared', beside authorize", () => {
  createRouter(defs, { contexts: { me: { scope: 'user', authorize: (_params, ctx) => ctx.user !== null } } })
  createRouter(defs, { contexts: { me: { scope: 'shared' } } })
  // @ts-expect-error not a scope
  createRouter(defs, { contexts: { me: { scope: 'everyone' } } })
  expectTypeOf<ContextScope>().toEqualTypeOf<'user' | 'shared'>()
})

test('liveWith takes the coalescing window', () => {
  expectTypeOf(liveWith({ coalesceMs: 100 })).toEqualTypeOf<MizanReactPlugin>()
  expectTypeOf<LiveInvalidationOptions>().toEqualTypeOf<{ coalesceMs?: number }>()
  // @ts-expect-error a number, in ms
  liveWith({ coalesceMs: '100' })
})
