// @vitest-environment jsdom
import { useSuspenseQuery } from '@tanstack/react-query'
import { cleanup, screen } from '@testing-library/react'
import { Component, Suspense, type ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { members } from '../../src/client/react/members.ts'
import { suspense } from '../../src/client/react/suspense.ts'
import { db, type AppRouter } from '../fixtures/app-router.ts'
import { ctxPath, mizan as plain, renderApp } from './react-app.tsx'

// Hooks of one handle work under the provider of another: the runtime context is the module's.
const mizan = createMizanReact<AppRouter>({ csrf: false, use: [suspense] })
const ALL_MEMBERS = { currentUser: 'global', siteConfig: 'global', userProfile: 'user', userPosts: 'user', brokenOk: 'broken', brokenFail: 'broken', privateCtx: 'members' } as const
const strict = createMizanReact<AppRouter>({ csrf: false, use: [members<AppRouter>(ALL_MEMBERS)] })

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
    const profile = strict.useUserProfile()
    return <p>{typeof profile === 'object' && profile && 'mutate' in profile ? 'a mutation' : `data: ${profile.name}`}</p>
  }

  it('with the members plug-in, throws an error naming the provider, and mutations stay mutations', async () => {
    function Saver() {
      const echo = strict.useEcho()
      return <p>{typeof echo.mutateAsync === 'function' ? 'echo is a mutation' : 'echo is data'}</p>
    }
    const { server } = renderApp(
      <>
        <Saver />
        <Boundary>
          <Orphan />
        </Boundary>
      </>,
    )
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain("useUserProfile() reads 'userProfile' of context 'user'")
    expect(alert.textContent).toContain('<mizan.UserContext>')
    expect(screen.getByText('echo is a mutation')).toBeTruthy()
    expect(screen.queryByText('a mutation')).toBeNull()
    expect(server.requests.map((r) => r.path)).toEqual(['/api/mizan/ctx/global/'])
  })

  it('under its provider it is the data', async () => {
    renderApp(
      <plain.UserContext params={{ user_id: 1 }}>
        <Orphan />
      </plain.UserContext>,
    )
    expect(await screen.findByText('data: Alice')).toBeTruthy()
  })

  it('without the plug-in it cannot tell, and is a mutation (as documented)', async () => {
    let hook: unknown
    function Probe() {
      hook = plain.useUserProfile()
      return <p>rendered</p>
    }
    renderApp(<Probe />)
    expect(await screen.findByText('rendered')).toBeTruthy()
    expect(hook).toHaveProperty('mutateAsync')
  })
})
