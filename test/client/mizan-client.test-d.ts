import { describe, expectTypeOf, it } from 'vitest'
import {
  createMizanClient,
  hasErrorCode,
  type CallOutcome,
  type MizanClient,
  type MizanError,
  type MizanErrorCode,
  type WireBundle,
} from '../../src/client/index.ts'
import type { AppRouter } from '../fixtures/app-router.ts'
import type { NamedRouter } from './named-router.ts'

declare const client: MizanClient<AppRouter>

describe('call', () => {
  it('infers input and output from the router', () => {
    expectTypeOf(client.call('echo', { text: 'hi' })).resolves.toEqualTypeOf<CallOutcome<{ message: string }>>()
    expectTypeOf(client.call('add', { a: 1, b: 2 })).resolves.toHaveProperty('result').toEqualTypeOf<{ result: number }>()
    expectTypeOf(client.call('listItems')).resolves.toHaveProperty('result').toEqualTypeOf<{ id: number; name: string }[]>()
    expectTypeOf(client.call('whoami')).resolves.toHaveProperty('result').toEqualTypeOf<{ id: number | null; username: string | null }>()
    expectTypeOf(client.call('renameUser', { user_id: 1, name: 'x' })).resolves.toHaveProperty('result').toEqualTypeOf<{ user_id: number; name: string }>()
  })

  it('takes the input optionally when there is none, and per-call options after it', () => {
    expectTypeOf(client.call('ping')).resolves.toHaveProperty('result').toEqualTypeOf<{ pong: boolean }>()
    void client.call('ping', undefined, { signal: new AbortController().signal })
    void client.call('echo', { text: 'x' }, { headers: { 'X-Test': '1' } })
  })

  it('rejects misuse', () => {
    // @ts-expect-error unknown function
    void client.call('doesNotExist')
    // @ts-expect-error wrong argument type
    void client.call('echo', { text: 1 })
    // @ts-expect-error missing required input
    void client.call('echo')
    // @ts-expect-error missing required field
    void client.call('add', { a: 1 })
    // @ts-expect-error private functions exist on the server only
    void client.call('secretFn')
    // @ts-expect-error context members are read through their context
    void client.call('userProfile', { user_id: 1 })
    // @ts-expect-error view functions are not RPC
    void client.call('profilePage')
    // @ts-expect-error a function without input takes none
    void client.call('ping', { x: 1 })
  })
})

describe('context', () => {
  it('returns the wire bundle, with params typed by the context', () => {
    expectTypeOf(client.context('user', { user_id: 1 })).resolves.toEqualTypeOf<WireBundle>()
    void client.context('user', { user_id: 1, limit: 5 })
    void client.context('global')
    void client.context('global', undefined, { signal: new AbortController().signal })
  })

  it('rejects misuse', () => {
    // @ts-expect-error missing required param
    void client.context('user')
    // @ts-expect-error missing required param
    void client.context('user', { limit: 1 })
    // @ts-expect-error wrong param type
    void client.context('user', { user_id: '1' })
    // @ts-expect-error unknown context
    void client.context('nope')
  })
})

describe('options', () => {
  it('needs no options unless the router overrides wire names', () => {
    expectTypeOf(createMizanClient<AppRouter>()).toEqualTypeOf<MizanClient<AppRouter>>()
    expectTypeOf(createMizanClient<NamedRouter>({ wireNames: { legacy: 'old_legacy_name' } })).toEqualTypeOf<MizanClient<NamedRouter>>()
    // @ts-expect-error wireNames is required for a router with overrides
    createMizanClient<NamedRouter>()
    // @ts-expect-error wireNames is required for a router with overrides
    createMizanClient<NamedRouter>({ baseUrl: '/api' })
    // @ts-expect-error the override must match the router's
    createMizanClient<NamedRouter>({ wireNames: { legacy: 'legacy' } })
    // @ts-expect-error only overridden keys belong there
    createMizanClient<NamedRouter>({ wireNames: { legacy: 'old_legacy_name', fresh: 'fresh' } })
  })

  it('checks the transport list against callable functions and contexts', () => {
    createMizanClient<AppRouter>({ transport: { websocket: ['echo', 'user'] } })
    createMizanClient<AppRouter>({ transport: 'websocket' })
    // @ts-expect-error not a function or context of the router
    createMizanClient<AppRouter>({ transport: { websocket: ['nope'] } })
    // @ts-expect-error a context member is read through its context, not called
    createMizanClient<AppRouter>({ transport: { websocket: ['userProfile'] } })
  })

  it('types wireName and keyOf', () => {
    expectTypeOf(client.wireName).toBeCallableWith('userProfile')
    // @ts-expect-error not a router key
    client.wireName('nope')
    expectTypeOf(client.keyOf('user_profile')).toEqualTypeOf<string>()
    expectTypeOf(client.session()).resolves.toEqualTypeOf<string>()
  })
})

describe('errors', () => {
  it('narrows by code', () => {
    expectTypeOf<'VALIDATION_ERROR'>().toExtend<MizanErrorCode>()
    expectTypeOf<'HTTP_502'>().toExtend<MizanErrorCode>()
    expectTypeOf<'ABORTED' | 'NETWORK_ERROR' | 'INVALID_RESPONSE'>().toExtend<MizanErrorCode>()
    expectTypeOf<'TEAPOT'>().not.toExtend<MizanErrorCode>()
    const error: unknown = undefined
    if (hasErrorCode(error, 'VALIDATION_ERROR')) {
      expectTypeOf(error).toEqualTypeOf<MizanError<'VALIDATION_ERROR'>>()
      expectTypeOf(error.fieldErrors).toEqualTypeOf<Record<string, string[]>>()
    }
    const failure = {} as MizanError
    if (failure.code === 'VALIDATION_ERROR') expectTypeOf(failure.fieldErrors).toEqualTypeOf<Record<string, string[]>>()
  })
})
