/**
 * The app of live-board.test.ts: one board of tasks everyone shares, and an inbox per user
 * that only its owner may read. Both server processes keep their data in the same directory
 * (a JSON line per record), so they serve one state whether Redis is up or not.
 */
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { createMizan } from '../../../src/server/index.ts'

export interface BoardUser {
  id: number
  name: string
}

export const USERS: Record<number, BoardUser> = { 1: { id: 1, name: 'alice' }, 2: { id: 2, name: 'bob' }, 3: { id: 3, name: 'carol' } }

const { defineClient, createRouter } = createMizan<BoardUser>()

function lines(dir: string, file: string): string[] {
  try {
    return readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

export function buildRouter(dataDir: string) {
  return createRouter(
    {
      currentUser: defineClient({ context: 'global' }, (_: void, ctx) => (ctx.user ? { id: ctx.user.id, name: ctx.user.name } : null)),
      boardTasks: defineClient({ context: 'board', input: z.object({ board_id: z.number().int() }) }, ({ board_id }) => lines(dataDir, `board-${board_id}`)),
      addTask: defineClient({ affects: 'board', input: z.object({ board_id: z.number().int(), title: z.string() }) }, ({ board_id, title }) => {
        appendFileSync(join(dataDir, `board-${board_id}`), `${title}\n`)
        return { ok: true }
      }),
      inboxMessages: defineClient({ context: 'inbox', input: z.object({ user_id: z.number().int() }) }, ({ user_id }) => lines(dataDir, `inbox-${user_id}`)),
      sendTo: defineClient({ affects: 'inbox', auth: true, input: z.object({ user_id: z.number().int(), text: z.string() }) }, ({ user_id, text }) => {
        appendFileSync(join(dataDir, `inbox-${user_id}`), `${text}\n`)
        return { ok: true }
      }),
    },
    { contexts: { inbox: { authorize: ({ user_id }, ctx) => ctx.user?.id === user_id } } },
  )
}

export type BoardRouter = ReturnType<typeof buildRouter>

/** Signed in by a cookie, `uid=<id>`, as a session would be. */
export function userFromCookie(cookie: string | null): BoardUser | null {
  const uid = /(?:^|;\s*)uid=(\d+)/.exec(cookie ?? '')?.[1]
  return uid ? (USERS[Number(uid)] ?? null) : null
}
