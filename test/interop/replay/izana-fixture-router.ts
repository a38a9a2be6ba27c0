/**
 * The Python interop fixture (test/interop/python/fixture_app/clients.py) written with our API,
 * so recorded golden cases can be replayed against our server. Where the reference wraps a
 * primitive result in a generated `{result: …}` model, these handlers return that shape
 * explicitly: it is what the wire carries. Keys are alphabetical because izana's discovery
 * registers a module's functions in that order, which decides which failing member wins.
 */
import { z } from 'zod'
import { MwtIssuer } from '../../../src/server/auth/mwt.ts'
import { mwtObtain } from '../../../src/server/auth/mwt-obtain.ts'
import { createMizan, MizanError } from '../../../src/server/index.ts'

export interface FixtureUser {
  id: number | string
  username: string | null
  isStaff: boolean
  isSuperuser: boolean
  /** The reference reports which user class authenticated: session `User`, `MWTUser`, `JWTUser`. */
  userClass: 'User' | 'MWTUser' | 'JWTUser'
}

export const FIXTURE_USERS: Record<string, FixtureUser> = {
  alice: { id: 1, username: 'alice', isStaff: false, isSuperuser: false, userClass: 'User' },
  sam: { id: 2, username: 'sam', isStaff: true, isSuperuser: false, userClass: 'User' },
  root: { id: 3, username: 'root', isStaff: true, isSuperuser: true, userClass: 'User' },
}

/** Secrets of the recorded fixture (test/interop/python/fixture_project/settings.py). */
export const FIXTURE_SECRETS = {
  mwt: 'interop-mwt-secret-0123456789abcdef',
  cache: 'interop-cache-secret-0123456789abcdef',
  legacyJwt: 'interop-legacy-jwt-key-0123456789abcdef',
}

// The reference has no absolute renewal lifetime (issue 24): the recorded long-lived token is
// older than Mizan's 24 h default, and call-mwt-obtain-via-mwt renews it as the reference did.
export const mwtIssuer = new MwtIssuer({ keys: { v1: FIXTURE_SECRETS.mwt }, dialect: 'izana', maxLifetime: Number.MAX_SAFE_INTEGER })

const { defineChannel, defineClient, defineForm, createRouter } = createMizan<FixtureUser>()

const EchoOutput = z.object({ message: z.string() })
// The id names the model in the exported IR (`ref "Item"`), as the Python class name does.
const Item = z.object({ id: z.number().int(), name: z.string(), tags: z.array(z.string()).default([]) }).meta({ id: 'Item' })
const Profile = z.object({ user_id: z.number().int(), name: z.string() })
const Counter = z.object({ count: z.number().int() })
const Stats = z.object({ users: z.number().int() })
const Post = z.object({ id: z.number().int(), title: z.string() }).meta({ id: 'Post' })

export function createFixtureState() {
  return {
    profiles: new Map<number, string>([
      [1, 'Alice'],
      [2, 'Sam'],
      [3, 'Root'],
    ]),
    counters: { cached: 0, cached60: 0, uncached: 0 },
  }
}

export const state = { current: createFixtureState() }

function whoamiOf(user: FixtureUser | null) {
  if (!user) throw new MizanError('UNAUTHORIZED', 'Authentication required')
  return { id: user.id, username: user.username, is_staff: user.isStaff, is_superuser: user.isSuperuser, user_class: user.userClass }
}

const WhoAmI = z.object({ id: z.union([z.number().int(), z.string()]), username: z.string().nullable(), is_staff: z.boolean(), is_superuser: z.boolean(), user_class: z.string() })

const userProfile = defineClient({ context: 'user', input: z.object({ user_id: z.number().int() }), output: Profile }, ({ user_id }) => {
  const name = state.current.profiles.get(user_id)
  if (name === undefined) throw new MizanError('NOT_FOUND', `user ${user_id} not found`)
  return { user_id, name }
})

const mergeInput = z.object({ user_id: z.number().int(), name: z.string() })
function rename({ user_id, name }: { user_id: number; name: string }) {
  state.current.profiles.set(user_id, name)
  return { user_id, name }
}

export const izanaFixtureRouter = createRouter({
  add: defineClient({ input: z.object({ a: z.number().int(), b: z.number().int() }), output: z.object({ result: z.number().int() }) }, ({ a, b }) => ({ result: a + b })),
  brokenFail: defineClient({ context: 'broken', output: Counter }, (): { count: number } => {
    throw new Error('member exploded')
  }),
  brokenOk: defineClient({ context: 'broken', output: EchoOutput }, () => ({ message: 'fine' })),
  buggyFn: defineClient({ output: EchoOutput }, (): { message: string } => {
    throw new Error('secret internal detail')
  }),
  bumpCounter: defineClient({ affects: ['counter', 'counter'], output: Counter }, () => ({ count: state.current.counters.cached })),
  cachedCounter: defineClient({ context: 'counter', output: Counter }, () => ({ count: ++state.current.counters.cached })),
  // ws_channels.py's ChatChannel: Params, ClientMessage and ServerMessage, one group per room.
  chat: defineChannel({
    params: z.object({ room: z.string() }),
    clientMessage: z.object({ text: z.string() }),
    message: z.object({ text: z.string(), sender: z.string() }),
    authorize: ({ room }) => room !== 'forbidden',
    group: ({ room }) => `chat_${room}`,
    onMessage: ({ text }, _params, ctx) => ({ text, sender: ctx.user?.username || 'anonymous' }),
  }),
  contact: defineForm({
    schema: z.object({
      name: z.string().max(20).describe('Your name'),
      email: z.email().max(320),
      topic: z.enum(['sales', 'support']),
      age: z.number().int().min(18).optional(),
      message: z.string().optional(),
    }),
    title: 'Contact us',
    submitLabel: 'Send',
    fields: { topic: { initial: 'support' }, message: { widget: 'Textarea' } },
    onSubmit: (values) => ({ received: values.name, topic: values.topic }),
  }),
  coreNotFoundFn: defineClient({ input: z.object({ item_id: z.number().int() }), output: Item }, ({ item_id }): z.input<typeof Item> => {
    throw new MizanError('NOT_FOUND', `item ${item_id} does not exist`, { details: { item_id } })
  }),
  coreValidationFn: defineClient({ output: Item }, (): z.input<typeof Item> => {
    throw new MizanError('VALIDATION_ERROR', 'custom validation', { details: { fields: { name: ['taken'] } } })
  }),
  currentUser: defineClient(
    { context: 'global', output: z.object({ authenticated: z.boolean(), id: z.number().int().nullable().optional(), username: z.string().nullable().optional() }) }, (_i, ctx) =>
    ctx.user ? { authenticated: true, id: Number(ctx.user.id), username: ctx.user.username } : { authenticated: false, id: null, username: null },
  ),
  echo: defineClient({ input: z.object({ text: z.string() }), output: EchoOutput }, ({ text }) => ({ message: text })),
  exportCsv: defineClient({ route: '/export/items.csv', input: z.object({ rows: z.number().int().default(2) }) }, ({ rows }) => {
    let body = 'id,name\n'
    for (let i = 1; i <= rows; i++) body += `${i},item${i}\n`
    return new Response(body, { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'X-Fixture': 'view' } })
  }),
  listItems: defineClient({ output: z.array(Item) }, () => [
    { id: 1, name: 'first', tags: ['a'] },
    { id: 2, name: 'second' },
  ]),
  liveStatus: defineClient({ context: 'live', websocket: true, output: z.object({ online: z.number().int() }) }, () => ({ online: 3 })),
  mwtObtain: mwtObtain(mwtIssuer),
  maybeItem: defineClient({ input: z.object({ found: z.boolean() }), output: Item.nullable() }, ({ found }) => (found ? { id: 7, name: 'seven' } : null)),
  newProfile: defineClient({ merge: 'user', output: Profile }, () => ({ user_id: 9, name: 'Nine' })),
  notImplementedBare: defineClient({ output: EchoOutput }, (): { message: string } => {
    throw new MizanError('NOT_IMPLEMENTED', '')
  }),
  notImplementedFn: defineClient({ output: EchoOutput }, (): { message: string } => {
    throw new MizanError('NOT_IMPLEMENTED', 'coming soon')
  }),
  nothing: defineClient({ output: z.object({ result: z.null() }) }, () => ({ result: null })),
  permissionCheckFn: defineClient({ auth: (ctx) => ctx.user?.id === 1, output: WhoAmI }, (_i, ctx) => whoamiOf(ctx.user)),
  permissionErrorBare: defineClient({ output: EchoOutput }, (): { message: string } => {
    throw new MizanError('FORBIDDEN', 'Permission denied')
  }),
  permissionErrorFn: defineClient({ output: EchoOutput }, (): { message: string } => {
    throw new MizanError('FORBIDDEN', 'you shall not pass')
  }),
  permissionRaiseFn: defineClient(
    {
      // The reference's PermissionError: a deliberate denial whose message the caller sees.
      auth: () => {
        throw new MizanError('FORBIDDEN', 'only on Tuesdays')
      },
      output: EchoOutput,
    },
    () => ({ message: 'unreachable' }),
  ),
  ping: defineClient({ output: z.object({ result: z.string() }) }, () => ({ result: 'pong' })),
  refreshUsers: defineClient({ affects: 'user', output: Stats }, () => ({ users: state.current.profiles.size })),
  reindex: defineClient(
    { affects: 'search', input: z.object({ q: z.string(), page: z.number().int().default(1), extra: z.string().default('') }), output: Counter },
    ({ page }) => ({ count: page }),
  ),
  renameAndTouch: defineClient({ merge: 'user', affects: 'global', input: mergeInput, output: Profile }, rename),
  renameUser: defineClient({ merge: 'user', input: mergeInput, output: Profile }, rename),
  searchResults: defineClient(
    {
      context: 'search',
      input: z.object({ q: z.string(), page: z.number().int().default(1) }),
      output: z.object({ q: z.string(), page: z.number().int(), hits: z.array(z.string()) }),
    }, ({ q, page }) => ({
    q,
    page,
    hits: [`${q}#${page}`],
  })),
  secretFn: defineClient({ private: true, output: EchoOutput }, () => ({ message: 'never over the wire' })),
  secureData: defineClient({ context: 'secure', auth: true, output: WhoAmI }, (_i, ctx) => whoamiOf(ctx.user)),
  siteConfig: defineClient({ context: 'global', rev: 2, output: z.object({ site_name: z.string(), version: z.number().int() }) }, () => ({ site_name: 'Interop Fixture', version: 2 })),
  staffOnly: defineClient({ auth: 'staff', output: WhoAmI }, (_i, ctx) => whoamiOf(ctx.user)),
  superuserOnly: defineClient({ auth: 'superuser', output: WhoAmI }, (_i, ctx) => whoamiOf(ctx.user)),
  touchEverything: defineClient({ affects: ['user', 'global'], input: z.object({ user_id: z.number().int() }), output: EchoOutput }, ({ user_id }) => ({
    message: `touched ${user_id}`,
  })),
  ttlCounter: defineClient({ context: 'ttl60', cache: 60, output: Counter }, () => ({ count: ++state.current.counters.cached60 })),
  typedArgs: defineClient(
    {
      input: z.object({
        flag: z.boolean(),
        ratio: z.number(),
        tags: z.array(z.string()).default([]),
        item: Item.nullable().default(null),
        note: z.string().nullable().default(null),
      }),
      output: z.object({ result: z.record(z.string(), z.unknown()) }),
    },
    (input) => ({ result: input }),
  ),
  uncachedCounter: defineClient({ context: 'nocache', cache: false, output: Counter }, () => ({ count: ++state.current.counters.uncached })),
  updateProfile: defineClient({ affects: 'user', input: mergeInput, output: EchoOutput }, ({ user_id, name }) => {
    state.current.profiles.set(user_id, name)
    return { message: `updated ${user_id}` }
  }),
  userPosts: defineClient(
    { context: 'user', input: z.object({ user_id: z.number().int(), limit: z.number().int().default(10) }), output: z.array(Post) }, ({ user_id, limit }) =>
    [1, 2, 3].map((i) => ({ id: user_id * 100 + i, title: `post ${i} of ${user_id}` })).slice(0, limit),
  ),
  userProfile,
  userStats: defineClient({ context: 'user', output: Stats }, () => ({ users: state.current.profiles.size })),
  viewMutation: defineClient({ affects: 'user', input: z.object({ user_id: z.number().int() }) }, ({ user_id }) => new Response(`ok ${user_id}`, { headers: { 'Content-Type': 'text/plain' } })),
  wsEcho: defineClient({ websocket: true, input: z.object({ text: z.string() }), output: EchoOutput }, ({ text }) => ({ message: text })),
  wsRename: defineClient({ websocket: true, affects: 'user', merge: 'user', input: mergeInput, output: Profile }, rename),
  whoami: defineClient({ auth: true, output: WhoAmI }, (_i, ctx) => whoamiOf(ctx.user)),
  wsWhoami: defineClient({ websocket: true, auth: true, output: WhoAmI }, (_i, ctx) => whoamiOf(ctx.user)),
})

/** The fixed session cookies the recorder logged in with. */
export const FIXTURE_SESSIONS: Record<string, FixtureUser | undefined> = {
  interopsessionalice000000000000a: FIXTURE_USERS['alice'],
  interopsessionsam00000000000000s: FIXTURE_USERS['sam'],
  interopsessionroot0000000000000r: FIXTURE_USERS['root'],
}
