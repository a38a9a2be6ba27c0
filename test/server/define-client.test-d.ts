import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { createCaller, createMizan, createRouter, defineClient } from '../../src/server/index.ts'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { CallableKeys, ContextBundle, ContextNames, ContextParams, InputOf, OutputOf } from '../../src/shared/types.ts'
import { appRouter, type AppRouter } from '../fixtures/app-router.ts'

describe('defineClient types', () => {
  it('gives the handler the parsed input and the user', () => {
    defineClient({ input: z.object({ n: z.string().transform(Number) }) }, (input, ctx) => {
      expectTypeOf(input).toEqualTypeOf<{ n: number }>()
      expectTypeOf(ctx.user).toEqualTypeOf<import('../../src/server/index.ts').MizanUser | null>()
      return 1
    })
  })

  it('binds the user type createMizan is given, and the default user without one', () => {
    interface AppUser { id: number; email: string }
    createMizan<AppUser>().defineClient({ auth: (ctx) => ctx.user?.email !== undefined }, (_input, ctx) => {
      expectTypeOf(ctx.user).toEqualTypeOf<AppUser | null>()
    })
    createMizan().defineClient({}, (_input, ctx) => {
      expectTypeOf(ctx.user).toEqualTypeOf<import('../../src/server/index.ts').MizanUser | null>()
    })
  })

  it('reads any Standard Schema, not only zod, and takes nothing else as a schema', () => {
    const celsius: StandardSchemaV1<string, number> = {
      '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value: Number(value) }) },
    }
    const fn = defineClient({ input: celsius, output: celsius }, (input) => {
      expectTypeOf(input).toEqualTypeOf<number>()
      return '21'
    })
    const router = createRouter({ fn })
    expectTypeOf<InputOf<typeof router, 'fn'>>().toEqualTypeOf<string>()
    expectTypeOf<OutputOf<typeof router, 'fn'>>().toEqualTypeOf<number>()
    // @ts-expect-error the handler returns what the output schema takes in
    defineClient({ output: celsius }, () => 21)
    // @ts-expect-error a zod shape is not a schema
    defineClient({ input: { n: z.number() } }, () => 1)
  })

  it('forbids context together with affects or merge', () => {
    // @ts-expect-error a context reader is not a mutation
    defineClient({ context: 'user', affects: 'user' }, () => 1)
    // @ts-expect-error a context reader does not merge
    defineClient({ context: 'user', merge: 'user' }, () => 1)
  })

  it('checks the handler result against the output schema', () => {
    // @ts-expect-error message must be a string
    defineClient({ output: z.object({ message: z.string() }) }, () => ({ message: 1 }))
    defineClient({ output: z.object({ message: z.string() }) }, async () => ({ message: 'x' }))
    // @ts-expect-error message must be a string, in a promise too
    defineClient({ output: z.object({ message: z.string() }) }, async () => ({ message: 1 }))
    const router = createRouter({ later: defineClient({}, async () => ({ done: true })) })
    expectTypeOf<OutputOf<typeof router, 'later'>>().toEqualTypeOf<{ done: boolean }>()
  })
})

describe('router types', () => {
  it('infers callable keys, contexts, params and bundles', () => {
    expectTypeOf<ContextNames<AppRouter>>().toEqualTypeOf<'global' | 'user' | 'broken' | 'members'>()
    expectTypeOf<'secretFn'>().not.toMatchTypeOf<CallableKeys<AppRouter>>()
    expectTypeOf<'profilePage'>().not.toMatchTypeOf<CallableKeys<AppRouter>>()
    expectTypeOf<'currentUser'>().not.toMatchTypeOf<CallableKeys<AppRouter>>()
    expectTypeOf<ContextParams<AppRouter, 'user'>>().toEqualTypeOf<{ user_id: number; limit?: number | undefined }>()
    expectTypeOf<ContextBundle<AppRouter, 'user'>['userProfile']>().toEqualTypeOf<{ user_id: number; name: string }>()
    expectTypeOf<OutputOf<AppRouter, 'add'>>().toEqualTypeOf<{ result: number }>()
  })

  it('keeps literal types of functions defined inline in createRouter (regression: inline definitions widened)', () => {
    const inline = createRouter({
      ping: defineClient({}, () => ({ pong: true })),
      card: defineClient({ context: 'user', input: z.object({ user_id: z.number() }) }, () => ({ ok: true })),
      hidden: defineClient({ private: true }, () => 1),
    })
    expectTypeOf<CallableKeys<typeof inline>>().toEqualTypeOf<'ping'>()
    expectTypeOf<ContextNames<typeof inline>>().toEqualTypeOf<'user'>()
  })

  it('reads options given as a variable, of an interface type or with a mutable methods list', () => {
    interface EchoOptions {
      input: z.ZodObject<{ n: z.ZodNumber }>
    }
    const typed: EchoOptions = { input: z.object({ n: z.number() }) }
    const loose: { input: z.ZodObject<{ n: z.ZodNumber }>; methods: string[] } = { input: z.object({ n: z.number() }), methods: ['GET'] }
    const router = createRouter({
      typed: defineClient(typed, async (input) => input.n),
      loose: defineClient(loose, (input) => input.n),
      member: defineClient({ context: 'x', methods: ['GET', 'POST'] }, () => 1),
    })
    expectTypeOf<CallableKeys<typeof router>>().toEqualTypeOf<'typed' | 'loose'>()
    expectTypeOf<InputOf<typeof router, 'typed'>>().toEqualTypeOf<{ n: number }>()
    expectTypeOf<OutputOf<typeof router, 'typed'>>().toEqualTypeOf<number>()
    expectTypeOf<ContextNames<typeof router>>().toEqualTypeOf<'x'>()
  })

  it('types createCaller', () => {
    const caller = createCaller(appRouter)
    expectTypeOf(caller.echo).parameter(0).toEqualTypeOf<{ text: string }>()
    expectTypeOf(caller.echo).returns.resolves.toEqualTypeOf<{ message: string }>()
    // @ts-expect-error unknown function
    void caller.nope
    // @ts-expect-error wrong argument type
    void caller.echo({ text: 1 })
  })
})
