/**
 * Our server as the README sets it up: `createNodeHandler(router, options)` on node:http, with
 * `csrf: false` (token/API style: no CSRF cookie round-trip, as a non-browser API would run it)
 * and otherwise the defaults (lax coercion, 1 MiB body limit). The same process serves the
 * echo, the 10-function context and, with `--cache redis`, the Redis-cached context.
 */
import { createServer } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { attachWebSocket } from '../../../src/server/adapters/ws.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { createMizan } from '../../../src/server/index.ts'
import type { AnyServerRouter } from '../../../src/server/router.ts'
import { EchoInput, MEMBER_KEYS, MemberInput, SLOW_KEYS, SLOW_MS, memberResult } from '../shared/payload.ts'
import { listen } from './bare.ts'
import type { Started, StartOptions } from './types.ts'

const { defineClient, createRouter } = createMizan()

const members = Object.fromEntries(
  MEMBER_KEYS.map((key, slot) => [key, defineClient({ context: 'dash', input: MemberInput }, ({ user_id }) => memberResult(user_id, slot))]),
) as Record<(typeof MEMBER_KEYS)[number], ReturnType<typeof dashMember>>
const slow = Object.fromEntries(
  SLOW_KEYS.map((key, slot) => [
    key,
    defineClient({ context: 'slow', input: MemberInput }, async ({ user_id }) => {
      await sleep(SLOW_MS)
      return memberResult(user_id, slot)
    }),
  ]),
) as Record<(typeof SLOW_KEYS)[number], ReturnType<typeof slowMember>>

function dashMember() {
  return defineClient({ context: 'dash', input: MemberInput }, ({ user_id }) => memberResult(user_id, 0))
}

function slowMember() {
  return defineClient({ context: 'slow', input: MemberInput }, async ({ user_id }) => memberResult(user_id, 0))
}

export const mizanRouter = createRouter({
  echo: defineClient({ input: EchoInput }, (input) => input),
  echoWs: defineClient({ input: EchoInput, websocket: true }, (input) => input),
  /** One plain call doing what one context member does. */
  dashOne: defineClient({ input: MemberInput }, ({ user_id }) => memberResult(user_id, 0)),
  ...members,
  ...slow,
})

export type MizanRouter = typeof mizanRouter

export async function start(options: StartOptions = {}): Promise<Started> {
  const cache =
    options.cache === 'redis'
      ? { backend: new RedisCache('redis://127.0.0.1:6379', { namespace: `mizan-bench-${process.pid}:` }), secret: 'bench-secret-not-for-production' }
      : undefined
  const handler = createNodeHandler(mizanRouter as unknown as AnyServerRouter, { csrf: false, ...(cache ? { cache } : {}) })
  const server = createServer((req, res) => void handler(req, res))
  const started = await listen(server)
  if (options.ws) attachWebSocket(server, mizanRouter as unknown as AnyServerRouter, { csrf: false })
  if (cache) {
    const close = started.close
    started.close = async () => {
      await cache.backend.clear()
      await cache.backend.quit()
      await close()
    }
  }
  return started
}
