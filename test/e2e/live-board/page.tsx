/**
 * The page of live-board.test.ts: the board and the signed-in user's inbox, kept fresh by the
 * `live` plug-in alone (no refetch on focus or on the browser's online event).
 */
import { QueryClient } from '@tanstack/react-query'
import { createRoot } from 'react-dom/client'
import { createMizanReact } from '../../../src/client/createMizanReact.ts'
import { live } from '../../../src/client/react/live.ts'
import type { BoardRouter } from './router.ts'

const mizan = createMizanReact<BoardRouter>({ use: [live] })
const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, refetchOnWindowFocus: false, refetchOnReconnect: false, retry: 3 } } })
const uid = Number(/(?:^|;\s*)uid=(\d+)/.exec(document.cookie)?.[1] ?? 0)

function Board() {
  const tasks = mizan.useBoardTasks()
  return <p id="board">{`${tasks.length}:${tasks.at(-1) ?? ''}`}</p>
}

function Inbox() {
  const messages = mizan.useInboxMessages()
  return <p id="inbox">{`${messages.length}:${messages.at(-1) ?? ''}`}</p>
}

createRoot(document.getElementById('root')!).render(
  <mizan.MizanContext baseUrl="/api/mizan" queryClient={queryClient} fallback={<p>loading</p>}>
    <mizan.BoardContext params={{ board_id: 1 }}>
      <Board />
    </mizan.BoardContext>
    <mizan.InboxContext params={{ user_id: uid }}>
      <Inbox />
    </mizan.InboxContext>
  </mizan.MizanContext>,
)
