/**
 * Who is calling, from Better Auth's session cookie (`betterAuthUser`), as the demo store's
 * member: the store is keyed by member id, Better Auth by its own user id, and the email links
 * the two.
 */
import { MizanError } from 'mizan-ts/server'
import { betterAuthSignOut, betterAuthUser } from 'mizan-ts/auth/better-auth'
import { accountsReady, auth, emailOf } from './auth.ts'
import { memberByUsername, type Member } from './store.ts'

export interface DemoUser {
  id: number
  username: string
}

const sessionUser = betterAuthUser(auth)

/** The `resolveUser` of the dispatcher, the socket and SSR: no session, or an unknown one, is anonymous. */
export async function userFromHeaders(headers: Headers): Promise<DemoUser | null> {
  await accountsReady
  const user = await sessionUser({ headers } as Parameters<typeof sessionUser>[0])
  const member = user ? memberByUsername(user.email.replace(/@example\.com$/, '')) : undefined
  return member ? { id: member.id, username: member.username } : null
}

/** Signs in through Better Auth and passes its session cookie on to the browser. */
export async function signIn(member: Member, password: string, responseHeaders: Headers): Promise<void> {
  await accountsReady
  const response = await auth.api.signInEmail({ body: { email: emailOf(member.username), password }, asResponse: true })
  if (!response.ok) {
    throw new MizanError('VALIDATION_ERROR', 'Wrong password', { details: { fields: { password: ['Wrong password'] } } })
  }
  for (const cookie of response.headers.getSetCookie()) responseHeaders.append('Set-Cookie', cookie)
}

/** Ends the Better Auth session (it is deleted from its store) and clears the cookie. */
export const signOut = betterAuthSignOut(auth)
