import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient } from '@tanstack/react-query'
import { App } from './App.tsx'
import { mizan } from './mizan.ts'
import { SocketFollowsSession } from './session-socket.tsx'
import './styles.css'

const queryClient = new QueryClient()

// MizanContext loads the `global` bundle (currentUser, siteInfo) before the app renders,
// so every component below can read those members synchronously. The socket follows the
// signed-in user (see session-socket.tsx).
function Root() {
  return (
    <mizan.MizanContext baseUrl="/api/mizan" queryClient={queryClient} fallback={<p className="loading">Loading…</p>}>
      <SocketFollowsSession />
      <App />
    </mizan.MizanContext>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
)
