/**
 * A contract (declarations) and an implemented router with the same options must give the
 * client the same types: it derives everything from `typeof router`.
 */
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { createDeclareClient, declareClient, defineContract } from '../../src/server/contract.ts'
import { createCaller, createRouter, defineClient } from '../../src/server/index.ts'
import type {
  CallableKeys,
  ContextBundle,
  ContextNames,
  ContextParams,
  InputOf,
  OutputOf,
  WireNameOverrides,
} from '../../src/shared/types.ts'

const Profile = z.object({ user_id: z.number().int(), name: z.string() })
const Post = z.object({ id: z.number().int(), title: z.string() })
const echoOptions = { input: z.object({ text: z.string() }), output: z.object({ message: z.string() }) }
const postsInput = z.object({ user_id: z.number().int(), limit: z.number().int().default(10) })
const renameInput = z.object({ user_id: z.number().int(), name: z.string() })

const implemented = createRouter({
  echo: defineClient(echoOptions, ({ text }) => ({ message: text })),
  userProfile: defineClient({ context: 'user', input: z.object({ user_id: z.number().int() }), output: Profile }, ({ user_id }) => ({ user_id, name: 'x' })),
  userPosts: defineClient({ context: 'user', input: postsInput, output: z.array(Post) }, () => []),
  siteConfig: defineClient({ context: 'global', output: z.object({ site_name: z.string() }) }, () => ({ site_name: 'x' })),
  renameUser: defineClient({ merge: 'user', input: renameInput, output: Profile }, (input) => input),
  legacy: defineClient({ name: 'legacy_v2', output: Post }, () => ({ id: 1, title: 't' })),
  secret: defineClient({ private: true, output: Post }, () => ({ id: 1, title: 't' })),
  exportCsv: defineClient({ route: '/export.csv' }, () => new Response('')),
})

const contract = defineContract({
  echo: declareClient(echoOptions),
  userProfile: declareClient({ context: 'user', input: z.object({ user_id: z.number().int() }), output: Profile }),
  userPosts: declareClient({ context: 'user', input: postsInput, output: z.array(Post) }),
  siteConfig: declareClient({ context: 'global', output: z.object({ site_name: z.string() }) }),
  renameUser: declareClient({ merge: 'user', input: renameInput, output: Profile }),
  legacy: declareClient({ name: 'legacy_v2', output: Post }),
  secret: declareClient({ private: true, output: Post }),
  exportCsv: declareClient({ route: '/export.csv' }),
})

type Impl = typeof implemented
type Decl = typeof contract

describe('a contract types the client like the implementation', () => {
  it('has the same callable keys, contexts and wire-name overrides', () => {
    expectTypeOf<CallableKeys<Decl>>().toEqualTypeOf<CallableKeys<Impl>>()
    expectTypeOf<CallableKeys<Decl>>().toEqualTypeOf<'echo' | 'renameUser' | 'legacy'>()
    expectTypeOf<ContextNames<Decl>>().toEqualTypeOf<ContextNames<Impl>>()
    expectTypeOf<WireNameOverrides<Decl>>().toEqualTypeOf<WireNameOverrides<Impl>>()
    expectTypeOf<WireNameOverrides<Decl>>().toEqualTypeOf<{ readonly legacy: 'legacy_v2' }>()
  })

  it('has the same context params and bundles', () => {
    expectTypeOf<ContextParams<Decl, 'user'>>().toEqualTypeOf<ContextParams<Impl, 'user'>>()
    expectTypeOf<ContextParams<Decl, 'user'>>().toEqualTypeOf<{ user_id: number; limit?: number | undefined }>()
    expectTypeOf<ContextParams<Decl, 'global'>>().toEqualTypeOf<ContextParams<Impl, 'global'>>()
    expectTypeOf<ContextBundle<Decl, 'user'>>().toEqualTypeOf<ContextBundle<Impl, 'user'>>()
  })

  it('has the same inputs and outputs, key by key', () => {
    expectTypeOf<OutputOf<Decl, 'echo'>>().toEqualTypeOf<OutputOf<Impl, 'echo'>>()
    expectTypeOf<OutputOf<Decl, 'userPosts'>>().toEqualTypeOf<OutputOf<Impl, 'userPosts'>>()
    expectTypeOf<OutputOf<Decl, 'renameUser'>>().toEqualTypeOf<{ user_id: number; name: string }>()
    expectTypeOf<InputOf<Decl, 'userPosts'>>().toEqualTypeOf<InputOf<Impl, 'userPosts'>>()
    expectTypeOf<InputOf<Decl, 'siteConfig'>>().toEqualTypeOf<InputOf<Impl, 'siteConfig'>>()
  })

  it('rejects calls that do not match the declarations', () => {
    const api = createCaller(contract)
    expectTypeOf(api.echo).parameter(0).toEqualTypeOf<{ text: string }>()
    expectTypeOf(api.echo).returns.resolves.toEqualTypeOf<{ message: string }>()
    // @ts-expect-error text must be a string
    void api.echo({ text: 1 })
    // @ts-expect-error user_id is required
    void api.renameUser({ name: 'x' })
    // @ts-expect-error the result has no `title`
    void api.echo({ text: 'x' }).then((out) => out.title)
  })

  it('keeps declareClient constraints and leaves undeclared outputs unknown', () => {
    // @ts-expect-error a context reader is not a mutation
    declareClient({ context: 'user', affects: 'user' })
    const bare = defineContract({ ping: declareClient({}) })
    expectTypeOf<OutputOf<typeof bare, 'ping'>>().toBeUnknown()
    const view = defineContract({ page: declareClient({ route: '/page/<id>/' }) })
    expectTypeOf<CallableKeys<typeof view>>().toBeNever()
  })

  it('types auth predicates with the app user, as createMizan does', () => {
    const declare = createDeclareClient<{ id: number; team: string }>()
    declare({ auth: (ctx) => ctx.user?.team === 'core' })
    // @ts-expect-error the user has no `role`
    declare({ auth: (ctx) => ctx.user?.role === 'admin' })
  })
})
