// @vitest-environment jsdom
import { QueryClient, useSuspenseQuery } from '@tanstack/react-query'
import { act, cleanup, render, screen } from '@testing-library/react'
import { Component, Suspense, type ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { db, type AppRouter } from '../fixtures/app-router.ts'
import { ctxPath, mizan, renderApp } from './react-app.tsx'
import { BASE_URL, createTestServer } from './test-server.ts'

afterEach(cleanup)
beforeEach(() => db.reset())

class Boundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {}
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override render() {
    return this.state.error ? <p role="alert">{this.state.error.message}</p> : this.props.children
  }
}

describe('Suspense', () => {
  it('useSuspense<Name>Context suspends to the nearest <Suspense>, then renders the bundle with one request', async () => {
    function Card() {
      const { data } = mizan.useSuspenseUserContext({ user_id: 2 })
      return <p>{`${data.userProfile.name}: ${data.userPosts.length} posts`}</p>
    }
    const { server } = renderApp(
      <Suspense fallback={<p>suspended</p>}>
        <Card />
      </Suspense>,
    )
    expect(await screen.findByText('suspended')).toBeTruthy()
    expect(await screen.findByText('Sam: 3 posts')).toBeTruthy()
    expect(server.count(ctxPath(2))).toBe(1)
  })

  it('useSuspenseQuery takes queryOptions.call and queryOptions.context', async () => {
    function Items() {
      const items = useSuspenseQuery(mizan.queryOptions.call('listItems')).data
      const user = useSuspenseQuery(mizan.queryOptions.context('user', { user_id: 1 })).data
      return <p>{`${items.map((item) => item.name).join(',')} for ${user.userProfile.name}`}</p>
    }
    renderApp(
      <Suspense fallback={<p>suspended</p>}>
        <Items />
      </Suspense>,
    )
    expect(await screen.findByText('one,two for Alice')).toBeTruthy()
  })
})

describe('a member hook outside its provider (issue #31: it silently became a mutation)', () => {
  function Orphan() {
    const profile = mizan.useUserProfile()
    return <p>{typeof profile === 'object' && profile && 'mutate' in profile ? 'a mutation' : 'data'}</p>
  }

  it('throws an error naming the provider once the QueryClient has seen the context', async () => {
    const server = createTestServer({ csrf: false })
    const queryClient = new QueryClient()
    await act(() => queryClient.prefetchQuery({ ...mizan.queryOptions.context('user', { user_id: 1 }), queryFn: async () => ({ user_profile: {}, user_posts: [] }) }))
    render(
      <mizan.MizanContext baseUrl={BASE_URL} queryClient={queryClient} client={{ fetch: server.fetch }}>
        <Boundary>
          <Orphan />
        </Boundary>
      </mizan.MizanContext>,
    )
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain("useUserProfile() reads 'userProfile', a member of context 'user'")
    expect(alert.textContent).toContain('<mizan.UserContext')
    expect(screen.queryByText('a mutation')).toBeNull()
  })

  it('with the members option, throws before any bundle of its context was read', async () => {
    const strict = createMizanReact<AppRouter>({
      csrf: false,
      members: { currentUser: 'global', siteConfig: 'global', userProfile: 'user', userPosts: 'user', brokenOk: 'broken', brokenFail: 'broken', privateCtx: 'members' },
    })
    function StrictOrphan() {
      strict.useUserPosts()
      return <p>rendered</p>
    }
    function Saver() {
      const echo = strict.useEcho()
      return <p>{typeof echo.mutateAsync === 'function' ? 'echo is a mutation' : 'echo is data'}</p>
    }
    const server = createTestServer({ csrf: false })
    render(
      <strict.MizanContext baseUrl={BASE_URL} client={{ fetch: server.fetch }}>
        <Saver />
        <Boundary>
          <StrictOrphan />
        </Boundary>
      </strict.MizanContext>,
    )
    expect((await screen.findByRole('alert')).textContent).toContain("useUserPosts() reads 'userPosts', a member of context 'user'")
    expect(screen.getByText('echo is a mutation')).toBeTruthy()
    expect(screen.queryByText('rendered')).toBeNull()
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/ctx/global/'])
  })

  it('under its provider it is the data', async () => {
    renderApp(
      <mizan.UserContext params={{ user_id: 1 }}>
        <Orphan />
      </mizan.UserContext>,
    )
    expect(await screen.findByText('data')).toBeTruthy()
  })
})
