import type { QueryClient, UseMutationResult, UseQueryResult } from '@tanstack/react-query'
import type { FC } from 'react'
import { describe, expectTypeOf, it } from 'vitest'
import { applyMizanResponse, createMizanReact, type MizanHandle } from '../../src/client/createMizanReact.ts'
import type { MizanClient, MizanError } from '../../src/client/index.ts'
import type { AppRouter } from '../fixtures/app-router.ts'
import type { NamedRouter } from './named-router.ts'
import type { NoParams } from '../../src/shared/type-errors.ts'

const mizan = createMizanReact<AppRouter>()
type Profile = { user_id: number; name: string }

describe('function hooks', () => {
  it('are mutations typed by the router', () => {
    expectTypeOf(mizan.useEcho()).toEqualTypeOf<UseMutationResult<{ message: string }, MizanError, { text: string }>>()
    expectTypeOf(mizan.useRenameUser()).toEqualTypeOf<UseMutationResult<Profile, MizanError, { user_id: number; name: string }>>()
    expectTypeOf(mizan.useAdd().data).toEqualTypeOf<{ result: number } | undefined>()
    expectTypeOf(mizan.useAdd().error).toEqualTypeOf<MizanError | null>()
  })

  it('type mutate by the input', () => {
    const echo = mizan.useEcho()
    echo.mutate({ text: 'hi' })
    // @ts-expect-error wrong argument type
    echo.mutate({ text: 1 })
    // @ts-expect-error missing required input
    echo.mutate()
    mizan.usePing().mutate()
    mizan.useTouchItems().mutate()
    // @ts-expect-error missing required param
    mizan.useUpdateProfile().mutate({ name: 'x' })
  })

  it('narrow the error code', () => {
    const error = mizan.useAdd().error
    if (error?.code === 'VALIDATION_ERROR') expectTypeOf(error.fieldErrors).toEqualTypeOf<Record<string, string[]>>()
  })
})

describe('member hooks', () => {
  it('return the member data directly', () => {
    expectTypeOf(mizan.useUserProfile()).toEqualTypeOf<Profile>()
    expectTypeOf(mizan.useUserPosts()).toEqualTypeOf<{ id: number; title: string }[]>()
    expectTypeOf(mizan.useCurrentUser()).toEqualTypeOf<{ id: number; username: string } | null>()
    expectTypeOf(mizan.useSiteConfig()).toEqualTypeOf<{ name: string; version: number }>()
  })

  it('are not mutations', () => {
    // @ts-expect-error a context member is not a mutation
    mizan.useUserProfile().mutate({ user_id: 1 })
    // @ts-expect-error a context member is not a mutation
    void mizan.useCurrentUser().mutateAsync
  })
})

describe('context hooks', () => {
  it('return a query of the router-keyed bundle', () => {
    expectTypeOf(mizan.useUserContext({ user_id: 1 })).toEqualTypeOf<
      UseQueryResult<{ userProfile: Profile; userPosts: { id: number; title: string }[] }, MizanError>
    >()
    expectTypeOf(mizan.useGlobalContext().data).toEqualTypeOf<
      { currentUser: { id: number; username: string } | null; siteConfig: { name: string; version: number } } | undefined
    >()
    // The last overload is the hook; the first only turns a call without params into an error naming them.
    expectTypeOf<Parameters<typeof mizan.useUserContext>>().toEqualTypeOf<[params: { user_id: number; limit?: number | undefined }]>()
    expectTypeOf(mizan.useGlobalContext).parameters.toEqualTypeOf<[params?: NoParams | undefined]>()
  })

  it('require params exactly when some param is required', () => {
    // @ts-expect-error missing required param
    mizan.useUserContext()
    // @ts-expect-error missing required param
    mizan.useUserContext({ limit: 3 })
    // @ts-expect-error wrong param type
    mizan.useUserContext({ user_id: '1' })
    mizan.useGlobalContext()
  })
})

describe('providers and the rest of the handle', () => {
  it('type the provider params', () => {
    expectTypeOf(mizan.UserContext).toEqualTypeOf<FC<Parameters<typeof mizan.UserContext>[0]>>()
    expectTypeOf<Parameters<typeof mizan.UserContext>[0]['params']>().toEqualTypeOf<{ user_id: number; limit?: number | undefined }>()
    expectTypeOf<Parameters<typeof mizan.GlobalContext>[0]['params']>().toEqualTypeOf<NoParams | undefined>()
    expectTypeOf<Parameters<typeof mizan.MizanContext>[0]['queryClient']>().toEqualTypeOf<QueryClient | undefined>()
    expectTypeOf(mizan.useMizan()).toEqualTypeOf<MizanHandle<AppRouter>>()
    expectTypeOf(mizan.useMizan().client).toEqualTypeOf<MizanClient<AppRouter>>()
  })

  it('have no hook or provider for what is not in the router', () => {
    // @ts-expect-error unknown function
    void mizan.useDoesNotExist
    // @ts-expect-error private function
    void mizan.useSecretFn
    // @ts-expect-error view function
    void mizan.useProfilePage
    // @ts-expect-error unknown context
    void mizan.NopeContext
    // @ts-expect-error unknown context
    void mizan.useNopeContext
  })

  it('build typed TanStack options', () => {
    const ctx = mizan.queryOptions.context('user', { user_id: 1 })
    expectTypeOf(ctx.queryKey).toExtend<readonly ['mizan', 'ctx', string, Record<string, unknown>]>()
    expectTypeOf(ctx.select).toExtend<((bundle: Record<string, unknown>) => { userProfile: Profile; userPosts: { id: number; title: string }[] }) | undefined>()
    const call = mizan.queryOptions.call('listItems')
    expectTypeOf(call.queryFn).toExtend<((...args: never[]) => { id: number; name: string }[] | Promise<{ id: number; name: string }[]>) | undefined | symbol>()
    mizan.queryOptions.call('add', { a: 1, b: 2 })
    // @ts-expect-error missing required param
    mizan.queryOptions.context('user')
    // @ts-expect-error wrong argument type
    mizan.queryOptions.call('add', { a: '1', b: 2 })
    // @ts-expect-error context members are not plain calls
    mizan.queryOptions.call('userProfile', { user_id: 1 })
    const mutation = mizan.mutationOptions('updateProfile')
    expectTypeOf(mutation.mutationFn).toExtend<((input: { user_id: number; name: string }, context: never) => Promise<{ ok: boolean }>) | undefined>()
    // @ts-expect-error private function
    mizan.mutationOptions('secretFn')
    expectTypeOf(applyMizanResponse).parameters.toExtend<[QueryClient, { invalidate?: readonly unknown[]; merge?: readonly unknown[] }]>()
  })

  it('require wireNames for routers that override names', () => {
    // @ts-expect-error wireNames is required
    createMizanReact<NamedRouter>()
    const named = createMizanReact<NamedRouter>({ wireNames: { legacy: 'old_legacy_name' } })
    expectTypeOf(named.useLegacy()).toEqualTypeOf<UseMutationResult<{ ok: boolean }, MizanError, void | undefined>>()
  })
})
