/**
 * Cookie session plumbing shared by `main.ts` (who is calling) and the `login`/`logout`
 * functions (which set and clear the cookie).
 */
import { closeSession, openSession, sessionMember, type Member } from './store.ts'

export const SESSION_COOKIE = 'demo_session'

export interface DemoUser {
  id: number
  username: string
}

export function readSessionId(headers: Headers): string | undefined {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** The `resolveUser` of the dispatcher: an unknown or stale cookie is simply anonymous. */
export function userFromHeaders(headers: Headers): DemoUser | null {
  const member = sessionMember(readSessionId(headers))
  return member ? { id: member.id, username: member.username } : null
}

/** HttpOnly so page scripts never see it; SameSite=Lax plus Mizan's CSRF check guard POSTs. */
export function startSession(headers: Headers, member: Member): string {
  closeSession(readSessionId(headers))
  const sid = openSession(member.id)
  return `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400`
}

export function endSession(headers: Headers): string {
  closeSession(readSessionId(headers))
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`
}
