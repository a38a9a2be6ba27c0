import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query'
import { createCaller } from '../../../src/server/caller.ts'
import { contextQueryKey } from '../../../src/client/react/query-keys.ts'
import { router } from '../server/router.ts'
import { Todos } from './todos.tsx'

export const dynamic = 'force-dynamic'

/**
 * A Server Component: reads the bundles in-process through `createCaller` (no HTTP), puts them
 * in a QueryClient under the keys the client hooks use, and hands them over dehydrated; the
 * client component renders from them, in the server HTML and again after hydration.
 */
export default async function Page() {
  const queryClient = new QueryClient()
  const caller = createCaller(router)
  queryClient.setQueryData(contextQueryKey('todos'), await caller.$contextWire('todos'))
  queryClient.setQueryData(contextQueryKey('stats'), await caller.$contextWire('stats'))
  return (
    <main>
      <h1>Todos</h1>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <Todos />
      </HydrationBoundary>
    </main>
  )
}
