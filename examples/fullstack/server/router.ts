/**
 * The team directory's server functions. The web app imports `type AppRouter` from here and
 * nothing else: every hook, argument and result type on the client is inferred from it.
 */
import { z } from 'zod'
import { createMizan, defineErrors, lastEventIdOf, MizanError, tracked } from 'mizan-ts/server'
import { signIn, signOut, type DemoUser } from './session.ts'
import { ContactSchema } from '../shared/contact-form.ts'
import { memberByUsername, members, messages, notes, posts } from './store.ts'

const mizan = createMizan<DemoUser>()
const { defineForm, defineChannel, createRouter } = mizan

/**
 * A request log with timing, as middleware: every function defined below runs inside it, over
 * HTTP, the WebSocket, SSR prefetch and the caller alike. It prints one line per call and tells
 * the browser the server time of a successful call in `Server-Timing` (devtools shows it).
 */
const requestLog = mizan.middleware(async ({ fn, ctx }, next) => {
  const started = performance.now()
  const result = await next()
  const ms = (performance.now() - started).toFixed(1)
  if (result.ok) ctx.responseHeaders.set('Server-Timing', `mizan;desc="${fn}";dur=${ms}`)
  console.log(`[fullstack] ${fn} ${result.ok ? 'ok' : result.error.code} ${ms} ms`)
  return result
})
const defineClient = mizan.defineClient.use(requestLog)

/** The errors `renameUser` declares: the browser's `error.details` is typed from this schema. */
export const RenameErrors = defineErrors({
  NAME_TAKEN: { status: 409, details: z.object({ name: z.string(), taken_by: z.number().int() }), message: 'That name is taken' },
})

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

/**
 * Ownership, checked in every function that writes a member's record: `auth: true` only says
 * someone signed in; whether that someone may touch this record depends on the arguments, so it
 * is decided here, with the input in hand. Members edit their own profile and nobody else's.
 */
function ownProfileOr403(userId: number, ctx: { user: DemoUser | null }) {
  const member = memberOr404(userId)
  if (ctx.user?.id !== member.id) throw new MizanError('FORBIDDEN', 'You can only edit your own profile')
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

/** How many contact-form messages this member got: refreshed by the form's `affects: 'user'`. */
export const userInbox = defineClient(
  { context: 'user', input: z.object({ user_id: z.number().int() }), output: z.object({ count: z.number().int(), latest_from: z.string().nullable() }) },
  ({ user_id }) => {
    const list = messages.get(memberOr404(user_id).id) ?? []
    return { count: list.length, latest_from: list.at(-1)?.from ?? null }
  },
)

// ── mutations ───────────────────────────────────────────────────────────────

/** Scoped invalidation: `user_id` is a `user` param, so only that user's bundle refetches. Signed in, own profile only. */
export const updateProfile = defineClient(
  { auth: true, affects: 'user', input: z.object({ user_id: z.number().int(), name: Name }), output: z.object({ ok: z.boolean() }) },
  ({ user_id, name }, ctx) => {
    ownProfileOr403(user_id, ctx).name = name
    return { ok: true }
  },
)

/** Merge: the result replaces the `userProfile` slot of the matching cached bundle, no refetch. Signed in, own profile only. */
export const renameUser = defineClient(
  { auth: true, merge: 'user', input: z.object({ user_id: z.number().int(), name: Name }), output: Profile, errors: RenameErrors },
  ({ user_id, name }, ctx) => {
    const member = ownProfileOr403(user_id, ctx)
    const holder = [...members.values()].find((m) => m.id !== user_id && m.name.toLowerCase() === name.toLowerCase())
    if (holder) throw RenameErrors.NAME_TAKEN({ name, taken_by: holder.id })
    member.name = name
    return { user_id, name, role: member.role }
  },
)

/** Only for signed-in callers: anonymous calls fail with UNAUTHORIZED before this runs. */
export const myNotes = defineClient({ auth: true, output: z.array(z.string()) }, (_input, ctx) => notes.get(ctx.user!.id) ?? [])

// Signing in and out goes through Better Auth (./session.ts), whose cookie comes back through
// ctx.responseHeaders; `affects: 'global'` makes every client refetch the current user.
export const login = defineClient(
  {
    affects: 'global',
    input: z.object({ username: z.string().trim().min(1, 'Pick a user'), password: z.string().min(1, 'Enter the password') }),
    output: SessionUser,
  },
  async ({ username, password }, ctx) => {
    const member = memberByUsername(username)
    if (!member) {
      throw new MizanError('VALIDATION_ERROR', 'Unknown user', { details: { fields: { username: [`No user named '${username}'`] } } })
    }
    await signIn(member, password, ctx.responseHeaders)
    return { id: member.id, username: member.username, name: member.name }
  },
)

export const logout = defineClient({ affects: 'global', output: z.object({ ok: z.boolean() }) }, async (input, ctx) => ({
  ok: (await signOut(input, ctx)).signedOut,
}))

export const echo = defineClient(
  { input: z.object({ text: z.string().max(200) }), output: z.object({ message: z.string(), at: z.string() }) },
  ({ text }) => ({ message: text, at: new Date().toISOString() }),
)

// ── streaming and uploads (PROTOCOL.md §16) ─────────────────────────────────

/**
 * A live counter over server-sent events (`useStream('liveCounter', …)`): a tick every
 * `everyMs`, with event ids, so a reconnect resumes where the page left off.
 */
export const liveCounter = defineClient({ input: z.object({ everyMs: z.number().int().min(50).max(5000) }) }, async function* ({ everyMs }, ctx) {
  const after = lastEventIdOf(ctx)
  for (let n = after === undefined ? 1 : Number(after) + 1; n <= 100_000; n++) {
    await new Promise((resolve) => setTimeout(resolve, everyMs))
    if (ctx.signal.aborted) return
    yield tracked(n, { n, at: new Date().toISOString() })
  }
})

/** An upload: the file streams to disk on the server; the handler reads it back to count its bytes. */
export const uploadFile = defineClient(
  { input: z.object({ file: z.file().max(50 * 1024 * 1024), note: z.string().max(200).optional() }) },
  async ({ file, note }) => ({ name: file.name, size: file.size, type: file.type, note: note ?? '' }),
)

// ── a form ──────────────────────────────────────────────────────────────────

/** Throwaway-address domains: a server-side rule the browser's copy of the schema does not know. */
const DISPOSABLE_DOMAINS = ['mailinator.com', 'trashmail.example']

/**
 * `contact.schema` / `contact.validate` / `contact.submit`, and `mizan.useContactForm()` in the
 * browser. Deliberately open to visitors, as a site's contact form is: it only appends a message
 * to the recipient's inbox and changes no record of anyone; put `rateLimit` on it in production. The server checks the shared schema plus its own rules; `affects: 'user'` scopes the
 * refresh to the recipient's bundle (its `user_id`), like any mutation.
 */
export const contact = defineForm({
  schema: ContactSchema.superRefine((value, ctx) => {
    if (DISPOSABLE_DOMAINS.includes(value.email.split('@')[1]?.toLowerCase() ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'Disposable addresses are not accepted.' })
    }
  }),
  title: 'Contact the team',
  submitLabel: 'Send message',
  fields: {
    user_id: { label: 'To', widget: 'Select' },
    topic: { initial: 'question' },
    message: { widget: 'Textarea', helpText: 'Between 10 and 500 characters.' },
  },
  affects: 'user',
  onSubmit: (values, ctx) => {
    const member = memberOr404(values.user_id)
    if (ctx.user?.id === member.id) {
      throw new MizanError('VALIDATION_ERROR', 'Input validation failed', { details: { fields: { user_id: ['You cannot message yourself.'] } } })
    }
    const list = messages.get(member.id) ?? []
    list.push({ from: values.name, email: values.email, topic: values.topic, message: values.message })
    messages.set(member.id, list)
    return { delivered_to: member.name, count: list.length }
  },
})

// ── a channel (over the WebSocket at /ws/) ─────────────────────────────────

/** Rooms are a fixed list: a subscription to anything else is refused before `authorize` runs. */
export const CHAT_ROOMS = ['team', 'random'] as const

/**
 * `mizan.useChatChannel({ room })` in the browser. Anyone may read a room (like the directory
 * itself); only a signed-in member may speak, and the server, not the client, says who spoke
 * and when: the client sends `{ text }` only.
 */
export const chat = defineChannel({
  params: z.object({ room: z.enum(CHAT_ROOMS) }),
  clientMessage: z.object({ text: z.string().trim().min(1, 'Say something').max(280, 'At most 280 characters') }),
  message: z.object({ text: z.string(), from: z.string(), at: z.string() }),
  // Reading is public. `authorize` runs on every subscribe and every message, so the
  // "signed in to speak" rule lives in `onMessage`, where a refusal answers the sender alone.
  authorize: () => true,
  group: ({ room }) => `chat:${room}`,
  onMessage: ({ text }, _params, ctx) => {
    const member = ctx.user ? members.get(ctx.user.id) : undefined
    if (!member) throw new MizanError('UNAUTHORIZED', 'Sign in to chat')
    return { text, from: member.name, at: new Date().toISOString() }
  },
})

export const router = createRouter({
  currentUser,
  siteInfo,
  userProfile,
  userPosts,
  userInbox,
  updateProfile,
  renameUser,
  myNotes,
  login,
  logout,
  echo,
  liveCounter,
  uploadFile,
  contact,
  chat,
})

export type AppRouter = typeof router
