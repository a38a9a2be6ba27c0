'use client'
import { QueryClient } from '@tanstack/react-query'
import { useState, type ReactNode } from 'react'
import { mizan } from './mizan.ts'

/** One QueryClient per browser session (and per server render), shared with the hydrated server data. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient())
  return (
    <mizan.MizanContext baseUrl="/api/mizan" queryClient={queryClient} global={false}>
      {children}
    </mizan.MizanContext>
  )
}
