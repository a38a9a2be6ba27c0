import { useEffect, useRef } from 'react'
import { realtimeOf } from '../../../src/client/ws-transport.ts'
import { mizan } from './mizan.ts'

/**
 * A WebSocket is authenticated once, by the cookies its handshake carried. Signing in or out
 * over HTTP changes the session cookie but not what the open socket was opened with, so the
 * chat would keep treating a freshly signed-in user as anonymous. When `currentUser` changes,
 * this closes the page's socket for good and asks the root to mount a fresh `<MizanContext>`:
 * a new kernel, whose socket opens with the new cookie. The QueryClient is shared, so every
 * bundle already loaded stays cached and nothing is fetched again.
 */
export function SocketFollowsSession({ onSessionChange }: { onSessionChange: () => void }) {
  const me = mizan.useCurrentUser()
  const { client } = mizan.useMizan()
  const userId = me?.id ?? null
  const openedAs = useRef(userId)
  useEffect(() => {
    if (userId === openedAs.current) return
    realtimeOf(client).connection.close()
    onSessionChange()
  }, [userId, client, onSessionChange])
  return null
}
