import { StrictMode, useCallback, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient } from '@tanstack/react-query'
import { App } from './App.tsx'
import { mizan } from './mizan.ts'
import { SocketFollowsSession } from './session-socket.tsx'
import './styles.css'

const queryClient = new QueryClient()

// MizanContext loads the `global` bundle (currentUser, siteInfo) before the app renders,
// so every component below can read those members synchronously. Its key changes when the
// signed-in user does, for a socket opened with the new session (see session-socket.tsx).
function Root() {
  const [session, setSession] = useState(0)
  const restart = useCallback(() => setSession((n) => n + 1), [])
  return (
    <mizan.MizanContext key={session} baseUrl="/api/mizan" queryClient={queryClient} fallback={<p className="loading">Loading…</p>}>
      <SocketFollowsSession onSessionChange={restart} />
      <App />
    </mizan.MizanContext>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
)
