import { QueryClient } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import type { AppRouter } from '../fixtures/app-router.ts'
import { BASE_URL, createTestServer } from './test-server.ts'

/** The React handle the tests share; each render gets its own server and QueryClient. */
export const mizan = createMizanReact<AppRouter>({ csrf: false })

export function renderApp(ui: ReactNode, user?: string) {
  const server = createTestServer({ csrf: false })
  const queryClient = new QueryClient()
  const headers: Record<string, string> = user ? { 'X-Test-User': user } : {}
  const client = { fetch: server.fetch, headers }
  const view = render(
    <mizan.MizanContext baseUrl={BASE_URL} queryClient={queryClient} client={client} fallback={<p>loading global</p>}>
      {ui}
    </mizan.MizanContext>,
  )
  return { server, queryClient, ...view }
}

export function CurrentUser() {
  const user = mizan.useCurrentUser()
  const site = mizan.useSiteConfig()
  return (
    <p>
      {user ? user.username : 'anonymous'} @ {site.name} v{site.version}
    </p>
  )
}

export function Profile() {
  const profile = mizan.useUserProfile()
  const posts = mizan.useUserPosts()
  return (
    <p>
      {profile.name} ({posts.length} posts)
    </p>
  )
}

export function UserCard({ id }: { id: number }) {
  return (
    <mizan.UserContext params={{ user_id: id }} fallback={<p>loading user {id}</p>}>
      <Profile />
    </mizan.UserContext>
  )
}

// React Query notifies observers on a later tick than the one its promises settle on, so
// screens are checked with findBy* after a mutation; request counts are exact at that point.
export const ctxPath = (id: number) => `/api/mizan/ctx/user/?user_id=${id}`
