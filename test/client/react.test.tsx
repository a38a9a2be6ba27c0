// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react'
import { StrictMode, useState } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMizan } from '../../src/server/index.ts'
import { db } from '../fixtures/app-router.ts'
import { ctxPath, CurrentUser, mizan, Profile, renderApp, UserCard } from './react-app.tsx'
import { BASE_URL, createTestServer } from './test-server.ts'

afterEach(cleanup)
beforeEach(() => db.reset())

describe('<MizanContext> and member hooks', () => {
  it('gates children on the global bundle, then serves members from it with no further request', async () => {
    const { server } = renderApp(<CurrentUser />, 'alice')
    expect(screen.getByText('loading global')).toBeTruthy()
    expect(await screen.findByText('alice @ Fixture v1')).toBeTruthy()
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/ctx/global/'])
  })

  it('returns null members as they are', async () => {
    renderApp(<CurrentUser />)
    expect(await screen.findByText('anonymous @ Fixture v1')).toBeTruthy()
  })

  it('under StrictMode each bundle is still requested once', async () => {
    const server = createTestServer({ csrf: false })
    render(
      <StrictMode>
        <mizan.MizanContext baseUrl={BASE_URL} client={{ fetch: server.fetch }}>
          <UserCard id={1} />
        </mizan.MizanContext>
      </StrictMode>,
    )
    expect(await screen.findByText('Alice (3 posts)')).toBeTruthy()
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/ctx/global/', ctxPath(1)])
  })

  it('global={false} renders at once and fetches nothing', () => {
    const server = createTestServer({ csrf: false })
    render(
      <mizan.MizanContext baseUrl={BASE_URL} client={{ fetch: server.fetch }} global={false}>
        <p>immediate</p>
      </mizan.MizanContext>,
    )
    expect(screen.getByText('immediate')).toBeTruthy()
    expect(server.requests).toEqual([])
  })

  it('treats a backend without a global context as an empty bundle: the hook is then a mutation', async () => {
    const { defineClient, createRouter } = createMizan()
    const currentUser = defineClient({}, () => ({ called: true }))
    const server = createTestServer({ csrf: false }, createRouter({ currentUser }))
    let hook: unknown
    function Probe() {
      hook = mizan.useCurrentUser()
      return <p>rendered</p>
    }
    render(
      <mizan.MizanContext baseUrl={BASE_URL} client={{ fetch: server.fetch }}>
        <Probe />
      </mizan.MizanContext>,
    )
    expect(await screen.findByText('rendered')).toBeTruthy()
    expect(hook).toHaveProperty('mutateAsync')
    const result = await act(() => (hook as { mutateAsync: () => Promise<unknown> }).mutateAsync())
    expect(result).toEqual({ called: true })
  })
})

describe('<UserContext> and useUserContext', () => {
  it('mounts the user bundle for the member hooks below it', async () => {
    const { server } = renderApp(<UserCard id={1} />)
    expect(await screen.findByText('loading user 1')).toBeTruthy()
    expect(await screen.findByText('Alice (3 posts)')).toBeTruthy()
    expect(server.count(ctxPath(1))).toBe(1)
  })

  it('useUserContext(params) is a query of the router-keyed bundle over the wire-keyed cache', async () => {
    function Bundle() {
      const query = mizan.useUserContext({ user_id: 2, limit: 1 })
      return <p>{query.data ? `${query.data.userProfile.name}: ${query.data.userPosts.length}` : 'pending'}</p>
    }
    const { queryClient } = renderApp(<Bundle />)
    expect(await screen.findByText('Sam: 1')).toBeTruthy()
    expect(queryClient.getQueryData(['mizan', 'ctx', 'user', { limit: 1, user_id: 2 }])).toMatchObject({ user_profile: { name: 'Sam' } })
  })

  it('keeps the previous bundle on screen while params change', async () => {
    let fallbacks = 0
    function Fallback() {
      fallbacks++
      return <p>loading</p>
    }
    let setId!: (id: number) => void
    function Switcher() {
      const [id, set] = useState(1)
      setId = set
      return (
        <mizan.UserContext params={{ user_id: id }} fallback={<Fallback />}>
          <Profile />
        </mizan.UserContext>
      )
    }
    renderApp(<Switcher />)
    expect(await screen.findByText('Alice (3 posts)')).toBeTruthy()
    const before = fallbacks
    act(() => setId(2))
    expect(screen.getByText('Alice (3 posts)')).toBeTruthy()
    expect(await screen.findByText('Sam (3 posts)')).toBeTruthy()
    expect(fallbacks).toBe(before)
  })

  it('looks members up nearest provider first, reaching global last', async () => {
    const { server } = renderApp(
      <mizan.UserContext params={{ user_id: 1 }}>
        <mizan.UserContext params={{ user_id: 2 }}>
          <Profile />
          <CurrentUser />
        </mizan.UserContext>
      </mizan.UserContext>,
      'root',
    )
    expect(await screen.findByText('Sam (3 posts)')).toBeTruthy()
    expect(screen.getByText('root @ Fixture v1')).toBeTruthy()
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/ctx/global/', ctxPath(1), ctxPath(2)])
  })

  it('renders errorFallback with the typed error when the bundle fails', async () => {
    renderApp(
      <mizan.UserContext params={{ user_id: 99 }} errorFallback={(error) => <p>failed: {error.code} {error.message}</p>}>
        <Profile />
      </mizan.UserContext>,
    )
    expect(await screen.findByText('failed: NOT_FOUND User 99 not found')).toBeTruthy()
  })
})

describe('useMizan and standalone query options', () => {
  it('useMizan() exposes the kernel and the QueryClient', async () => {
    let handle!: ReturnType<typeof mizan.useMizan>
    function Probe() {
      handle = mizan.useMizan()
      return <p>probe</p>
    }
    const { queryClient } = renderApp(<Probe />, 'sam')
    await screen.findByText('probe')
    expect(handle.queryClient).toBe(queryClient)
    expect((await handle.client.call('whoami')).result).toEqual({ id: 2, username: 'sam' })
  })

  it('queryOptions.context can prefetch into the provider’s QueryClient', async () => {
    const { queryClient, server } = renderApp(<p>ready</p>)
    await screen.findByText('ready')
    const options = mizan.queryOptions.context('user', { user_id: 3 })
    expect(options.queryKey).toEqual(['mizan', 'ctx', 'user', { user_id: 3 }])
    await queryClient.prefetchQuery(options)
    expect(queryClient.getQueryData(options.queryKey)).toMatchObject({ user_profile: { user_id: 3, name: 'Root' } })
    expect(server.count(ctxPath(3))).toBe(1)
  })
})
