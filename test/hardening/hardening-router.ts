import { z } from 'zod'
import { createMizan, MizanError } from '../../src/server/index.ts'

const { defineClient, createRouter } = createMizan()

/** A small router with one function per kind of input the battery attacks. */
export const hardeningRouter = createRouter({
  ping: defineClient({}, () => ({ pong: true })),
  echo: defineClient({ input: z.object({ text: z.string() }) }, ({ text }) => ({ message: text })),
  add: defineClient({ input: z.object({ a: z.number().int(), b: z.number().int() }) }, ({ a, b }) => ({ result: a + b })),
  sum: defineClient({ input: z.object({ values: z.array(z.number()) }) }, ({ values }) => ({ total: values.reduce((x, y) => x + y, 0) })),
  keep: defineClient({ input: z.object({ value: z.unknown() }) }, () => ({ kept: true })),
  userProfile: defineClient({ context: 'user', input: z.object({ user_id: z.number().int() }) }, ({ user_id }) => {
    if (user_id > 100) throw new MizanError('NOT_FOUND', `User ${user_id} not found`)
    return { user_id }
  }),
  searchResults: defineClient({ context: 'search', input: z.object({ q: z.string() }) }, ({ q }) => ({ q })),
  reindex: defineClient({ affects: 'search', input: z.object({ q: z.string() }) }, () => ({ ok: true })),
  secretFn: defineClient({ private: true }, () => ({ secret: 1 })),
  download: defineClient({ route: '/download/<int:id>/', methods: ['GET'] }, (_i, ctx) => new Response(`file ${ctx.routeParams['id']}`)),
  profile: defineClient({ route: '/profile/<name>/', methods: ['GET'] }, (_i, ctx) => new Response(`profile ${ctx.routeParams['name']}`)),
  pair: defineClient({ route: '/pair/<a>-<b>/', methods: ['GET'] }, (_i, ctx) => new Response(`${ctx.routeParams['a']}|${ctx.routeParams['b']}`)),
})
