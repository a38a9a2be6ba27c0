/**
 * Our server as the README sets it up: `createNodeHandler(router, options)` on node:http, with
 * `csrf: false` (token/API style: no CSRF cookie round-trip, as a non-browser API would run it)
 * and otherwise the defaults (lax coercion, 1 MiB body limit). The same process serves the
 * echo, the 10-function context and, with `--cache redis`, the Redis-cached context.
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
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

const WS_ADAPTER = fileURLToPath(new URL('../../../src/server/adapters/ws.ts', import.meta.url))

/** Is the WebSocket adapter in the tree? The WS rows run only when it is. */
export const hasWsAdapter = () => existsSync(WS_ADAPTER)

type Attach = (server: import('node:http').Server, router: AnyServerRouter, options: Record<string, unknown>) => unknown

/**
 * Plug point for src/server/adapters/ws.ts (being written concurrently). It accepts the shapes
 * such an adapter commonly exports; if the landed API is none of them, the WS rows say so
 * instead of printing numbers. Adjust here, once, when the adapter lands.
 */
async function attachWs(server: import('node:http').Server, router: AnyServerRouter): Promise<string | null> {
  if (!hasWsAdapter()) return 'no WS adapter yet (src/server/adapters/ws.ts absent)'
  const mod = (await import(WS_ADAPTER)) as Record<string, unknown>
  const options = { csrf: false }
  for (const name of ['attachWebSocket', 'attachWsHandler', 'attachWs', 'applyWSSHandler', 'attachWebSocketServer']) {
    if (typeof mod[name] === 'function') {
      await (mod[name] as Attach)(server, router, options)
      return null
    }
  }
  for (const name of ['createWsHandler', 'createWebSocketHandler', 'createWSHandler']) {
    if (typeof mod[name] !== 'function') continue
    const handler = (mod[name] as (router: AnyServerRouter, options: Record<string, unknown>) => unknown)(router, options) as
      | { handleUpgrade?: (req: unknown, socket: unknown, head: unknown) => void; attach?: (server: unknown) => void }
      | ((req: unknown, socket: unknown, head: unknown) => void)
    if (typeof handler === 'function') server.on('upgrade', handler)
    else if (handler?.attach) handler.attach(server)
    else if (handler?.handleUpgrade) server.on('upgrade', (req, socket, head) => handler.handleUpgrade!(req, socket, head))
    else continue
    return null
  }
  return `WS adapter present but its exports (${Object.keys(mod).join(', ')}) are not wired in bench/src/servers/mizan.ts`
}

export async function start(options: StartOptions = {}): Promise<Started> {
  const cache =
    options.cache === 'redis'
      ? { backend: new RedisCache('redis://127.0.0.1:6379', { namespace: `mizan-bench-${process.pid}:` }), secret: 'bench-secret-not-for-production' }
      : undefined
  const handler = createNodeHandler(mizanRouter as unknown as AnyServerRouter, { csrf: false, ...(cache ? { cache } : {}) })
  const server = createServer((req, res) => void handler(req, res))
  const started = await listen(server)
  if (options.ws) {
    const pending = await attachWs(server, mizanRouter as unknown as AnyServerRouter)
    if (pending) started.notes = { wsPending: pending }
  }
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
