import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient } from '@tanstack/react-query'
import { App } from './App.tsx'
import { mizan } from './mizan.ts'
import './styles.css'

const queryClient = new QueryClient()

// MizanContext loads the `global` bundle (currentUser, siteInfo) before the app renders,
// so every component below can read those members synchronously.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <mizan.MizanContext baseUrl="/api/mizan" queryClient={queryClient} fallback={<p className="loading">Loading…</p>}>
      <App />
    </mizan.MizanContext>
  </StrictMode>,
)
