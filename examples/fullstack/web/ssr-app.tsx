/**
 * The server-rendered page (`/ssr`). The same component tree runs in two places: the node
 * server renders it to HTML with its data prefetched (server/ssr-page.tsx), and the browser
 * hydrates it (ssr-main.tsx) from that HTML plus the data the server left in the page, so its
 * first render asks the API for nothing.
 */
import type { QueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { ContactPanel } from './contact-panel.tsx'
import { mizan } from './mizan.ts'
import { SessionBar } from './session-bar.tsx'
import { UserCard } from './user-card.tsx'

/** What the server rendered for, handed over as `__MIZAN_SSR_PROPS__`, so both sides render the same tree. */
export interface SsrProps {
  /** The card shown: the signed-in member's own, else #1. */
  userId: number
}

function SsrPage({ userId }: SsrProps) {
  // `global` members: in the page's `__MIZAN_SSR_DATA__`, so no `ctx/global/` request.
  const site = mizan.useSiteInfo()
  return (
    <div className="page">
      <header className="topbar">
        <h1 data-testid="site-title">
          {site.title} <span className="muted">· server-rendered</span>
        </h1>
        <SessionBar />
      </header>
      <p className="ssr-note muted">
        Rendered on the server with its data already in it; the browser hydrated it without a single data request.{' '}
        <a href="/">Back to the directory</a>
      </p>
      <main>
        <div className="cards">
          {/* A named context with a param: prefetched by the server as ['mizan','ctx','user',{user_id}]. */}
          <mizan.UserContext params={{ user_id: userId }} fallback={<article className="card">Loading #{userId}…</article>}>
            <UserCard userId={userId} />
          </mizan.UserContext>
          {/* The form's field schema (`contact.schema`) is prefetched too. */}
          <ContactPanel defaultTo={1} />
        </div>
      </main>
    </div>
  )
}

export function SsrApp({ queryClient, props }: { queryClient: QueryClient; props: SsrProps }) {
  useEffect(() => {
    // For the e2e test (and the curious): effects run only once hydration has happened.
    document.documentElement.dataset['hydrated'] = 'true'
  }, [])
  return (
    <mizan.MizanContext baseUrl="/api/mizan" queryClient={queryClient} fallback={<p className="loading">Loading…</p>}>
      <SsrPage userId={props.userId} />
    </mizan.MizanContext>
  )
}
