/**
 * The team directory's server functions. The web app imports `type AppRouter` from here and
 * nothing else: every hook, argument and result type on the client is inferred from it.
 */
import { z } from 'zod'
import { createMizan, MizanError } from '../../../src/server/index.ts'
import { endSession, startSession, type DemoUser } from './session.ts'
import { memberByUsername, members, notes, posts } from './store.ts'

const { defineClient, createRouter } = createMizan<DemoUser>()

/**
 * One schema object for the `userProfile` slot and for `renameUser`'s result: that identity
 * is how the router knows where a merge lands, so both must use this very object.
 */
export const Profile = z.object({ user_id: z.number().int(), name: z.string(), role: z.string() })
export const Post = z.object({ id: z.number().int(), title: z.string() })
export const SessionUser = z.object({ id: z.number().int(), username: z.string(), name: z.string() })

const Name = z.string().trim().min(2, 'Name must be at least 2 characters').max(40, 'Name must be at most 40 characters')

function memberOr404(userId: number) {
  const member = members.get(userId)
  if (!member) throw new MizanError('NOT_FOUND', `No team member with id ${userId}`)
  return member
}

// ── global context: one bundle the whole page loads up front ────────────────

export const currentUser = defineClient({ context: 'global', output: SessionUser.nullable() }, (_input, ctx) => {
  const member = ctx.user ? members.get(ctx.user.id) : undefined
  return member ? { id: member.id, username: member.username, name: member.name } : null
})

export const siteInfo = defineClient(
  { context: 'global', output: z.object({ title: z.string(), memberCount: z.number().int() }) },
  () => ({ title: 'Team directory', memberCount: members.size }),
)

// ── user context: one bundle per `user_id`, loaded by each <UserContext> ────

export const userProfile = defineClient(
  { context: 'user', input: z.object({ user_id: z.number().int() }), output: Profile },
  ({ user_id }) => {
    const { name, role } = memberOr404(user_id)
    return { user_id, name, role }
  },
)

export const userPosts = defineClient(
  { context: 'user', input: z.object({ user_id: z.number().int(), limit: z.number().int().min(1).max(20).optional() }), output: z.array(Post) },
  ({ user_id, limit }) => (posts.get(memberOr404(user_id).id) ?? []).slice(0, limit ?? 3),
)

// ── mutations ───────────────────────────────────────────────────────────────

/** Scoped invalidation: `user_id` is a `user` param, so only that user's bundle refetches. */
export const updateProfile = defineClient(
  { affects: 'user', input: z.object({ user_id: z.number().int(), name: Name }), output: z.object({ ok: z.boolean() }) },
  ({ user_id, name }) => {
    memberOr404(user_id).name = name
    return { ok: true }
  },
)

/** Merge: the result replaces the `userProfile` slot of the matching cached bundle, no refetch. */
export const renameUser = defineClient(
  { merge: 'user', input: z.object({ user_id: z.number().int(), name: Name }), output: Profile },
  ({ user_id, name }) => {
    const member = memberOr404(user_id)
    member.name = name
    return { user_id, name, role: member.role }
  },
)

/** Only for signed-in callers: anonymous calls fail with UNAUTHORIZED before this runs. */
export const myNotes = defineClient({ auth: true, output: z.array(z.string()) }, (_input, ctx) => notes.get(ctx.user!.id) ?? [])

// Signing in and out sets the session cookie through ctx.responseHeaders; `affects: 'global'`
// makes every client refetch the current user.
export const login = defineClient(
  { affects: 'global', input: z.object({ username: z.string().trim().min(1, 'Pick a user') }), output: SessionUser },
  ({ username }, ctx) => {
    const member = memberByUsername(username)
    if (!member) {
      throw new MizanError('VALIDATION_ERROR', 'Unknown user', { details: { fields: { username: [`No user named '${username}'`] } } })
    }
    ctx.responseHeaders.append('Set-Cookie', startSession(ctx.headers, member))
    return { id: member.id, username: member.username, name: member.name }
  },
)

export const logout = defineClient(
  { affects: 'global', output: z.object({ ok: z.boolean() }) },
  (_input, ctx) => {
    ctx.responseHeaders.append('Set-Cookie', endSession(ctx.headers))
    return { ok: true }
  },
)

export const echo = defineClient(
  { input: z.object({ text: z.string().max(200) }), output: z.object({ message: z.string(), at: z.string() }) },
  ({ text }) => ({ message: text, at: new Date().toISOString() }),
)

export const router = createRouter({
  currentUser,
  siteInfo,
  userProfile,
  userPosts,
  updateProfile,
  renameUser,
  myNotes,
  login,
  logout,
  echo,
})

export type AppRouter = typeof router
