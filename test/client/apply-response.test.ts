import { QueryClient } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { parseInvalidateHeader } from '../../src/shared/invalidate-header.ts'
import { applyMizanResponse, callQueryKey, contextQueryKey } from '../../src/client/react/index.ts'
import { parseHookName } from '../../src/client/react/hook-names.ts'

function seeded() {
  const queryClient = new QueryClient()
  const keys = {
    user1: contextQueryKey('user', { user_id: 1, limit: 5 }),
    user2: contextQueryKey('user', { user_id: 2 }),
    userAll: contextQueryKey('user'),
    flags: contextQueryKey('flags', { on: true }),
    items: callQueryKey('list_items'),
    itemsPage2: callQueryKey('list_items', { page: 2 }),
    other: callQueryKey('ping'),
  }
  queryClient.setQueryData(keys.user1, { user_profile: { user_id: 1, name: 'Alice' }, user_posts: [{ id: 1, title: 'a' }, { id: 2, title: 'b' }] })
  queryClient.setQueryData(keys.user2, { user_profile: { user_id: 2, name: 'Sam' }, user_posts: [] })
  queryClient.setQueryData(keys.userAll, { user_profile: null, user_posts: [] })
  queryClient.setQueryData(keys.flags, { flag: 1 })
  queryClient.setQueryData(keys.items, [1])
  queryClient.setQueryData(keys.itemsPage2, [2])
  queryClient.setQueryData(keys.other, { pong: true })
  const invalidated = () =>
    Object.entries(keys)
      .filter(([, key]) => queryClient.getQueryState(key)?.isInvalidated)
      .map(([name]) => name)
  return { queryClient, keys, invalidated }
}

describe('applyMizanResponse', () => {
  it('sorts params into keys and drops undefined', () => {
    expect(contextQueryKey('user', { user_id: 1, b: undefined, a: 'x' })).toEqual(['mizan', 'ctx', 'user', { a: 'x', user_id: 1 }])
    expect(callQueryKey('list_items')).toEqual(['mizan', 'call', 'list_items', {}])
  })

  it('a bare context name invalidates every bundle of that context', async () => {
    const { queryClient, invalidated } = seeded()
    await applyMizanResponse(queryClient, { invalidate: ['user'] })
    expect(invalidated()).toEqual(['user1', 'user2', 'userAll'])
  })

  it('scoped entries match params compared as strings, including header-parsed ones', async () => {
    const body = seeded()
    await applyMizanResponse(body.queryClient, { invalidate: [{ context: 'user', params: { user_id: 1 } }] })
    expect(body.invalidated()).toEqual(['user1'])
    const header = seeded()
    await applyMizanResponse(header.queryClient, { invalidate: parseInvalidateHeader('user;user_id=2, flags;on=True') })
    expect(header.invalidated()).toEqual(['user2', 'flags'])
  })

  it('function entries target call queries, optionally scoped', async () => {
    const all = seeded()
    await applyMizanResponse(all.queryClient, { invalidate: [{ function: 'list_items' }] })
    expect(all.invalidated()).toEqual(['items', 'itemsPage2'])
    const scoped = seeded()
    await applyMizanResponse(scoped.queryClient, { invalidate: [{ function: 'list_items', params: { page: '2' } }] })
    expect(scoped.invalidated()).toEqual(['itemsPage2'])
  })

  it('merges replace a slot, or upsert by id into a list slot, without invalidating', async () => {
    const { queryClient, keys, invalidated } = seeded()
    await applyMizanResponse(queryClient, {
      merge: [
        { context: 'user', slot: 'user_profile', value: { user_id: 1, name: 'Al' }, params: { user_id: 1 } },
        { context: 'user', slot: 'user_posts', value: { id: 2, title: 'B!' }, params: { user_id: '1' } },
        { context: 'user', slot: 'user_posts', value: { id: 9, title: 'new' }, params: { user_id: 1 } },
      ],
    })
    expect(queryClient.getQueryData(keys.user1)).toEqual({
      user_profile: { user_id: 1, name: 'Al' },
      user_posts: [
        { id: 1, title: 'a' },
        { id: 2, title: 'B!' },
        { id: 9, title: 'new' },
      ],
    })
    expect(queryClient.getQueryData(keys.user2)).toEqual({ user_profile: { user_id: 2, name: 'Sam' }, user_posts: [] })
    expect(invalidated()).toEqual([])
  })

  it('an unscoped merge reaches every cached bundle of the context but creates none', async () => {
    const { queryClient, keys } = seeded()
    await applyMizanResponse(queryClient, { merge: [{ context: 'user', slot: 'user_posts', value: [{ id: 5, title: 'all' }] }] })
    expect(queryClient.getQueryData<{ user_posts: unknown[] }>(keys.user2)?.user_posts).toEqual([{ id: 5, title: 'all' }])
    expect(queryClient.getQueryData<{ user_posts: unknown[] }>(keys.userAll)?.user_posts).toEqual([{ id: 5, title: 'all' }])
    await applyMizanResponse(queryClient, { merge: [{ context: 'absent', slot: 'x', value: 1 }] })
    expect(queryClient.getQueryCache().findAll({ queryKey: ['mizan', 'ctx', 'absent'] })).toHaveLength(0)
  })
})

describe('hook names', () => {
  it.each([
    ['MizanContext', { kind: 'MizanContext' }],
    ['useMizan', { kind: 'useMizan' }],
    ['queryOptions', { kind: 'queryOptions' }],
    ['mutationOptions', { kind: 'mutationOptions' }],
    ['useUserProfile', { kind: 'function', key: 'userProfile' }],
    ['useEcho', { kind: 'function', key: 'echo' }],
    ['useUserContext', { kind: 'contextHook', context: 'user' }],
    ['useUserSettingsContext', { kind: 'contextHook', context: 'user_settings' }],
    ['UserContext', { kind: 'provider', context: 'user' }],
    ['GlobalContext', { kind: 'provider', context: 'global' }],
    ['then', undefined],
    ['user', undefined],
    ['use', undefined],
    ['$$typeof', undefined],
  ])('%s', (property, target) => {
    expect(parseHookName(property)).toEqual(target)
  })
})
