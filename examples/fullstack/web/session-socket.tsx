import { useEffect, useRef } from 'react'
import { realtimeOf } from 'mizan-ts/client/ws'
import { mizan } from './mizan.ts'

/**
 * A WebSocket is authenticated once, by the cookies its handshake carried. Signing in or out
 * over HTTP changes the session cookie but not what the open socket was opened with, so the
 * chat would keep treating a freshly signed-in user as anonymous. When `currentUser` changes,
 * this reopens the page's socket: the chat subscription and the live watches resume on the new
 * socket, which the server authenticates with the new cookie.
 */
export function SocketFollowsSession() {
  const me = mizan.useCurrentUser()
  const { client } = mizan.useMizan()
  const userId = me?.id ?? null
  const openedAs = useRef(userId)
  useEffect(() => {
    if (userId === openedAs.current) return
    openedAs.current = userId
    realtimeOf(client).connection.reconnect()
  }, [userId, client])
  return null
}
