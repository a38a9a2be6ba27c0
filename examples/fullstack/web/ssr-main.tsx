import { QueryClient } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { readSSRProps } from 'mizan-ts/react/ssr'
import { SsrApp, type SsrProps } from './ssr-app.tsx'
import './styles.css'

// <MizanContext> seeds this QueryClient from the page (`__MIZAN_SSR_DATA__` for the global
// bundle, `__MIZAN_SSR_STATE__` for the rest) during its first render, before anything reads it.
const props = readSSRProps<SsrProps>() ?? { userId: 1 }

hydrateRoot(
  document.getElementById('root')!,
  <StrictMode>
    <SsrApp queryClient={new QueryClient()} props={props} />
  </StrictMode>,
  {
    // A hydration mismatch is recovered from by rendering on the client; say so loudly.
    onRecoverableError: (error) => console.error('[mizan ssr] hydration mismatch, rendered on the client instead:', error),
  },
)
