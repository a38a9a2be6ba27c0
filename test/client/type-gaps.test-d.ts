/**
 * Issue #31's type-level gaps, each fixed and pinned here (positive and negative); the exact
 * texts of the branded errors are asserted on the compilers' own output in
 * type-error-messages.test.ts.
 */
import { useSuspenseQuery, type UseSuspenseQueryResult } from '@tanstack/react-query'
import { describe, expectTypeOf, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { members } from '../../src/client/react/members.ts'
import type { MizanClient, MizanError } from '../../src/client/index.ts'
import { createMizan } from '../../src/server/index.ts'
import type { CallableKeyCheck, MizanTypeError, NoParams } from '../../src/shared/type-errors.ts'
import type { AppRouter } from '../fixtures/app-router.ts'
import type { NamedRouter } from './named-router.ts'

const mizan = createMizanReact<AppRouter>()
declare const client: MizanClient<AppRouter>
type Profile = { user_id: number; name: string }
type UserBundle = { userProfile: Profile; userPosts: { id: number; title: string }[] }

describe('Suspense', () => {
  it('useSuspenseQuery takes queryOptions.call and queryOptions.context', () => {
    expectTypeOf(useSuspenseQuery(mizan.queryOptions.call('listItems')).data).toEqualTypeOf<{ id: number; name: string }[]>()
    expectTypeOf(useSuspenseQuery(mizan.queryOptions.call('add', { a: 1, b: 2 })).data).toEqualTypeOf<{ result: number }>()
    expectTypeOf(useSuspenseQuery(mizan.queryOptions.context('user', { user_id: 1 })).data).toEqualTypeOf<UserBundle>()
    // @ts-expect-error wrong input
    useSuspenseQuery(mizan.queryOptions.call('add', { a: '1', b: 2 }))
  })

  it('useSuspense<Name>Context(params) is a suspense query whose data is always there', () => {
    expectTypeOf(mizan.useSuspenseUserContext({ user_id: 1 })).toEqualTypeOf<UseSuspenseQueryResult<UserBundle, MizanError>>()
    expectTypeOf(mizan.useSuspenseGlobalContext().data.siteConfig).toEqualTypeOf<{ name: string; version: number }>()
    // @ts-expect-error missing required params
    mizan.useSuspenseUserContext()
    // @ts-expect-error unknown context
    void mizan.useSuspenseNopeContext
  })
})

describe('a context without params', () => {
  it('takes nothing or an empty object, and no stray param', () => {
    mizan.useGlobalContext()
    mizan.useGlobalContext({})
    void client.context('global')
    mizan.queryOptions.context('global', {})
    // @ts-expect-error the global context takes no params
    mizan.useGlobalContext({ anything: 1 })
    // @ts-expect-error the global context takes no params
    void client.context('global', { anything: 1 })
    // @ts-expect-error the global context takes no params
    mizan.queryOptions.context('global', { user_id: 1 })
    expectTypeOf<NoParams['anything']>().toEqualTypeOf<'this context takes no params'>()
  })
})

describe('a context hook without its required params', () => {
  it('fails naming the params (the first overload), and takes them (the last)', () => {
    mizan.useUserContext({ user_id: 1 })
    mizan.useUserContext({ user_id: 1, limit: 2 })
    // @ts-expect-error 'useUserContext needs params { user_id }'
    mizan.useUserContext()
    // @ts-expect-error missing user_id
    mizan.useUserContext({ limit: 2 })
    // A hook taken off the handle still works, and still fails without params.
    const { useUserContext } = mizan
    useUserContext({ user_id: 1 })
    // @ts-expect-error 'useUserContext needs params { user_id }'
    useUserContext()
  })
})

describe('calling what is not callable', () => {
  it('names the context of a member and what to use instead', () => {
    void client.call('echo', { text: 'x' })
    // @ts-expect-error a context member
    void client.call('userProfile', { user_id: 1 })
    // @ts-expect-error a private function
    void client.call('secretFn')
    // @ts-expect-error a context member
    mizan.queryOptions.call('userProfile', { user_id: 1 })
    expectTypeOf<CallableKeyCheck<AppRouter, 'echo'>>().toEqualTypeOf<unknown>()
    expectTypeOf<CallableKeyCheck<AppRouter, 'userProfile'>>().toEqualTypeOf<
      MizanTypeError<"'userProfile' is a member of context 'user': read it with client.context('user', params), or mizan.useUserProfile() under <mizan.UserContext>">
    >()
    expectTypeOf<CallableKeyCheck<AppRouter, 'secretFn'>>().toEqualTypeOf<MizanTypeError<"'secretFn' is private or a view function: it cannot be called over RPC">>()
  })
})

describe('the router graph', () => {
  const { defineClient, createRouter } = createMizan()
  const profile = defineClient({ context: 'profile' }, () => ({ name: 'x' }))

  it('accepts affects and merge that name declared contexts, and function references', () => {
    createRouter({ profile, save: defineClient({ affects: 'profile' }, () => 1), touch: defineClient({ affects: [profile, 'profile'] }, () => 1) })
  })

  it('rejects a context that no function declares', () => {
    createRouter({
      profile,
      // @ts-expect-error 'save' affects or merges context 'profiles', which no function of this router declares
      save: defineClient({ affects: 'profiles' }, () => 1),
    })
    createRouter({
      profile,
      // @ts-expect-error merges into an unknown context
      rename: defineClient({ merge: ['profile', 'nope'] }, () => 1),
    })
  })

  it('says context and affects are mutually exclusive', () => {
    // @ts-expect-error `context` and `affects`/`merge` are mutually exclusive
    defineClient({ context: 'profile', affects: 'profile' }, () => 1)
    // @ts-expect-error `context` and `affects`/`merge` are mutually exclusive
    defineClient({ context: 'profile', merge: 'profile' }, () => 1)
  })
})

describe('createMizanReact on a router that renames functions', () => {
  it('needs wireNames, and says so', () => {
    // @ts-expect-error needs { wireNames }
    createMizanReact<NamedRouter>()
    createMizanReact<NamedRouter>({ wireNames: { legacy: 'old_legacy_name' } })
    createMizanReact<AppRouter>()
    createMizanReact<AppRouter>({ csrf: false })
  })
})

describe('the members plug-in', () => {
  it('lists every member with its context', () => {
    const all = { currentUser: 'global', siteConfig: 'global', userProfile: 'user', userPosts: 'user', brokenOk: 'broken', brokenFail: 'broken', privateCtx: 'members' } as const
    createMizanReact<AppRouter>({ use: [members<AppRouter>(all)] })
    // @ts-expect-error a member is missing
    members<AppRouter>({ currentUser: 'global' })
    // @ts-expect-error a member under the wrong context
    members<AppRouter>({ ...all, userProfile: 'global' })
    // @ts-expect-error not a member
    members<AppRouter>({ ...all, echo: 'global' })
  })
})
