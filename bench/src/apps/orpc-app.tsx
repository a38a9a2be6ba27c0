// The bundle app on oRPC with @orpc/tanstack-query (its React Query integration).
import { createORPCClient } from '@orpc/client'
import { RPCLink } from '@orpc/client/fetch'
import type { RouterClient } from '@orpc/server'
import { createTanstackQueryUtils } from '@orpc/tanstack-query'
import { QueryClient, QueryClientProvider, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { createRoot } from 'react-dom/client'
import type { OrpcAppRouter } from './peer-routers.ts'

const client: RouterClient<OrpcAppRouter> = createORPCClient(new RPCLink({ url: `${window.location.origin}/rpc` }))
const orpc = createTanstackQueryUtils(client)

function Dashboard() {
  const queryClient = useQueryClient()
  const dash = useQuery(orpc.dash.queryOptions({ input: { user_id: 1 } }))
  const echo = useMutation(orpc.echo.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: orpc.dash.key({ input: { user_id: 1 } }) }) }))
  if (!dash.data) return <p>Loading…</p>
  const { dashA: a, dashB: b } = dash.data
  return (
    <button onClick={() => echo.mutate({ id: a.user_id, name: a.label, email: 'a@b.c', active: true, tags: [], address: { street: '', city: '', zip: '' }, scores: [b.value] })}>
      {a.label} / {b.label} {echo.isPending ? '…' : ''}
    </button>
  )
}

export function App() {
  const [queryClient] = useState(() => new QueryClient())
  return (
    <QueryClientProvider client={queryClient}>
      <Dashboard />
    </QueryClientProvider>
  )
}

createRoot(document.getElementById('root')!).render(<App />)
