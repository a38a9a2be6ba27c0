/**
 * The test app of the WebSocket suite: the shared fixture router plus channels, an identity
 * chain with a revocable cookie session and `?token=` Bearer tokens, and server functions that
 * publish. `realtime.hub` is swapped for a Redis-backed hub where processes must share groups.
 */
import { z } from 'zod'
import { createDefineChannel } from '../../src/server/channels/define-channel.ts'
import { ChannelHub } from '../../src/server/channels/hub.ts'
import type { MizanRequest } from '../../src/server/dispatch.ts'
import { parseCookies } from '../../src/server/http-parts.ts'
import { createMizan, MizanError } from '../../src/server/index.ts'
import { appRouter, USERS, type TestUser } from '../fixtures/app-router.ts'

const { defineClient, createRouter } = createMizan<TestUser>()
const defineChannel = createDefineChannel<TestUser>()

/** Where server functions publish; the Redis test points it at a RedisBus. */
export const realtime = { hub: new ChannelHub() }

/** sid cookie → user; deleting an entry logs that session out mid-connection. */
export const sessions = new Map<string, TestUser>()
export const TOKENS: Record<string, TestUser | undefined> = { 'token-alice': USERS['alice'], 'token-sam': USERS['sam'], 'token-root': USERS['root'] }

/** Bearer token (or `?token=`), then the `sid` cookie, then the `x-test-user` header tests use for brevity. */
export function resolveUser(req: MizanRequest): TestUser | null {
  const authorization = req.headers.get('authorization') ?? ''
  if (authorization.startsWith('Bearer ')) {
    const user = TOKENS[authorization.slice(7)]
    if (!user) throw new MizanError('UNAUTHORIZED', 'Invalid or expired token')
    return user
  }
  const sid = parseCookies(req.headers.get('cookie'))['sid']
  if (sid !== undefined) return sessions.get(sid) ?? null
  return USERS[req.headers.get('x-test-user') ?? ''] ?? null
}

export const chat = defineChannel({
  params: z.object({ room: z.string().min(1) }),
  clientMessage: z.object({ text: z.string().max(500) }),
  message: z.object({ text: z.string(), sender: z.string() }),
  // Anyone may chat, but the `staff` room is for staff only.
  authorize: ({ room }, ctx) => room !== 'staff' || ctx.user?.isStaff === true,
  onMessage: ({ text }, _params, ctx) => ({ text, sender: ctx.user?.username ?? 'anonymous' }),
})

/** Server-published only: clients cannot send. */
export const notices = defineChannel({
  message: z.object({ level: z.enum(['info', 'warn']), text: z.string() }),
})

/** Each user's own inbox: authorize compares the param with the caller. */
export const inbox = defineChannel({
  params: z.object({ user_id: z.number().int() }),
  message: z.object({ subject: z.string() }),
  authorize: ({ user_id }, ctx) => ctx.user?.id === user_id,
})

export const wsRouter = createRouter({
  ...appRouter.defs,
  chat,
  notices,
  inbox,
  postNotice: defineClient({ auth: 'staff', input: z.object({ text: z.string() }) }, async ({ text }) => {
    await realtime.hub.publish(notices, undefined, { level: 'info', text })
    return { ok: true }
  }),
  slowEcho: defineClient({ input: z.object({ text: z.string(), ms: z.number().int().max(2000) }) }, async ({ text, ms }) => {
    await new Promise((r) => setTimeout(r, ms))
    return { text }
  }),
  liveCounter: defineClient({ context: 'counter', websocket: true }, () => ({ value: counter.value })),
  /** A context read that takes its time, to be caught in flight by a dropped socket. */
  slowStatus: defineClient({ context: 'slow', input: z.object({ ms: z.number().int().max(2000).default(0) }) }, async ({ ms }) => {
    await new Promise((r) => setTimeout(r, ms))
    return { reads: ++counter.slowReads }
  }),
  bumpCounter: defineClient({ affects: 'counter', websocket: true }, () => ({ value: ++counter.value })),
})

export const counter = { value: 0, slowReads: 0 }

export type WsRouter = typeof wsRouter
