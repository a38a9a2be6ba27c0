/**
 * The soak's app: what a small real service looks like on Mizan — a plain call (the bench's
 * echo, same Zod schema and payload), a context of four members read by user (cached: the
 * origin cache answers `X-Mizan-Cache`), a mutation that affects that context (scoped by
 * `user_id`, so it purges that user's cached bundle), and for WebSocket a channel of rooms,
 * a server-side publish and an RPC.
 */
import { z } from 'zod'
import { ChannelHub, createMizan, defineChannel } from '../../../src/server/index.ts'
import { EchoInput } from '../shared/payload.ts'

const { defineClient, createRouter } = createMizan()

/** Where `announce` publishes; the WebSocket adapter is given the same hub. */
export const hub = new ChannelHub()

export const USER_COUNT = 64
export const userName = (id: number) => `User ${id}`
const names = new Map<number, string>(Array.from({ length: USER_COUNT }, (_, i) => [i + 1, userName(i + 1)]))
let renames = 0

const ByUser = z.object({ user_id: z.number().int().min(1).max(USER_COUNT) })

export const room = defineChannel({
  params: z.object({ room: z.string().min(1).max(40) }),
  clientMessage: z.object({ text: z.string().max(200), seq: z.number().int() }),
  message: z.object({ room: z.string(), text: z.string(), seq: z.number().int(), from: z.enum(['client', 'server']) }),
  onMessage: ({ text, seq }, { room }) => ({ room, text, seq, from: 'client' as const }),
})

export const soakRouter = createRouter({
  echo: defineClient({ input: EchoInput }, (input) => input),
  /** The context `profile`: four members, one bundle, one request. */
  profile: defineClient({ context: 'profile', input: ByUser }, ({ user_id }) => ({ user_id, name: names.get(user_id)!, email: `user${user_id}@example.org` })),
  posts: defineClient({ context: 'profile', input: ByUser }, ({ user_id }) =>
    Array.from({ length: 5 }, (_, i) => ({ id: user_id * 100 + i, title: `Post ${i} by ${names.get(user_id)}`, likes: (user_id * 7 + i * 13) % 97 })),
  ),
  stats: defineClient({ context: 'profile', input: ByUser }, async ({ user_id }) => {
    await new Promise((r) => setImmediate(r))
    return { user_id, followers: user_id * 31, following: user_id * 3, streak: user_id % 9 }
  }),
  settings: defineClient({ context: 'profile', input: ByUser }, ({ user_id }) => ({ theme: user_id % 2 ? 'dark' : 'light', locale: 'en-GB', digest: user_id % 3 === 0 })),
  /** The mutation: renames a user and invalidates (purges) that user's `profile` bundle. */
  renameUser: defineClient({ affects: 'profile', input: ByUser.extend({ name: z.string().min(1).max(80) }) }, ({ user_id, name }) => {
    names.set(user_id, name)
    renames++
    return { ok: true as const, user_id, name }
  }),
  room,
  /** A server-side publish to a room (the path `hub.publish` takes from any server function). */
  announce: defineClient({ input: z.object({ room: z.string(), text: z.string(), seq: z.number().int() }), websocket: true }, async ({ room: name, text, seq }) => {
    await hub.publish(room, { room: name }, { room: name, text, seq, from: 'server' })
    return { ok: true as const }
  }),
})

export type SoakRouter = typeof soakRouter
export const renameCount = () => renames
