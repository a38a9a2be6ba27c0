import { ChatPanel } from './chat-panel.tsx'
import { ContactPanel } from './contact-panel.tsx'
import { EchoPanel } from './echo-panel.tsx'
import { StreamPanel } from './stream-panel.tsx'
import { EditPanel } from './edit-panel.tsx'
import { NotesPanel } from './notes-panel.tsx'
import { SessionBar } from './session-bar.tsx'
import { UserCard } from './user-card.tsx'
import { mizan } from './mizan.ts'

const CARD_IDS = [1, 2] as const

export function App() {
  // A `global` member: already loaded by <MizanContext>, so this never suspends or refetches.
  const site = mizan.useSiteInfo()
  return (
    <div className="page">
      <header className="topbar">
        <h1 data-testid="site-title">
          {site.title} <span className="muted">· {site.memberCount} members</span>
        </h1>
        <SessionBar />
      </header>
      <main>
        <div className="cards">
          {CARD_IDS.map((id) => (
            // Each card gets its own `user` bundle: one request per user_id, shared by every
            // member hook inside, and invalidated or merged independently of the other card.
            <mizan.UserContext key={id} params={{ user_id: id }} fallback={<article className="card">Loading #{id}…</article>}>
              <UserCard userId={id} />
            </mizan.UserContext>
          ))}
        </div>
        <div className="panels">
          <EditPanel />
          <NotesPanel />
          <EchoPanel />
          <StreamPanel />
        </div>
        <div className="contact-row">
          <ContactPanel />
          <ChatPanel />
        </div>
      </main>
    </div>
  )
}
