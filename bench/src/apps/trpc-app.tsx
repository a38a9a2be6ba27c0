// The bundle app on tRPC 11 with @trpc/tanstack-react-query (its recommended React integration).
import { QueryClient, QueryClientProvider, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { createTRPCClient, httpBatchLink } from '@trpc/client'
import { createTRPCContext } from '@trpc/tanstack-react-query'
import { useState } from 'react'
import { createRoot } from 'react-dom/client'
import type { TrpcAppRouter } from './peer-routers.ts'

const { TRPCProvider, useTRPC } = createTRPCContext<TrpcAppRouter>()

function Dashboard() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const dash = useQuery(trpc.dash.queryOptions({ user_id: 1 }))
  const echo = useMutation(trpc.echo.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.dash.queryKey({ user_id: 1 }) }) }))
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
  const [trpcClient] = useState(() => createTRPCClient<TrpcAppRouter>({ links: [httpBatchLink({ url: '/trpc' })] }))
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <Dashboard />
      </TRPCProvider>
    </QueryClientProvider>
  )
}

createRoot(document.getElementById('root')!).render(<App />)
