// The bundle app on Mizan: a context provider, two member hooks, a mutation (invalidation is automatic).
import { createRoot } from 'react-dom/client'
import { createMizanReact } from '../../../src/client/react/index.ts'
import type { MizanRouter } from '../servers/mizan.ts'

const mizan = createMizanReact<MizanRouter>({ csrf: false })

function Dashboard() {
  const a = mizan.useDashA()
  const b = mizan.useDashB()
  const echo = mizan.useEcho()
  return (
    <button onClick={() => echo.mutate({ id: a.user_id, name: a.label, email: 'a@b.c', active: true, tags: [], address: { street: '', city: '', zip: '' }, scores: [b.value] })}>
      {a.label} / {b.label} {echo.isPending ? '…' : ''}
    </button>
  )
}

export function App() {
  return (
    <mizan.MizanContext baseUrl="/api/mizan" global={false}>
      <mizan.DashContext params={{ user_id: 1 }} fallback={<p>Loading…</p>}>
        <Dashboard />
      </mizan.DashContext>
    </mizan.MizanContext>
  )
}

createRoot(document.getElementById('root')!).render(<App />)
