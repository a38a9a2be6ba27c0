/**
 * Sign-in is Better Auth's: email and password accounts in its memory adapter (a real app
 * gives it its database). Each member of the demo store has an account, seeded at startup
 * with the demo password the sign-in form shows.
 */
import { randomBytes } from 'node:crypto'
import { betterAuth } from 'better-auth'
import { memoryAdapter } from 'better-auth/adapters/memory'
import { members } from './store.ts'

/** The seeded accounts' password, shown on the sign-in form: this is a demo. */
export const DEMO_PASSWORD = 'analytical-engine'

export const emailOf = (username: string) => `${username}@example.com`

export const auth = betterAuth({
  database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
  // Set BETTER_AUTH_SECRET in production; here a fresh one per process signs out everyone on restart.
  secret: process.env['BETTER_AUTH_SECRET'] ?? randomBytes(32).toString('hex'),
  baseURL: 'http://127.0.0.1',
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
  logger: { level: 'error' },
})

/** Resolves once every member has an account; sign-in and session reads wait for it. */
export const accountsReady: Promise<void> = (async () => {
  for (const member of members.values()) {
    await auth.api.signUpEmail({ body: { email: emailOf(member.username), password: DEMO_PASSWORD, name: member.name } })
  }
})()
