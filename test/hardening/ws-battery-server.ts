/**
 * The server of the WebSocket battery, in a process of its own started with
 * `--unhandled-rejections=strict`: an unhandled rejection or an uncaught exception ends it, and
 * the battery sees that. Prints `{"port":N}` once listening, and one `{"report":…}` line per
 * error the server hands to `onError`.
 */
import { z } from 'zod'
import { createMizan, MizanError } from '../../src/server/index.ts'
import { startServer } from '../ws/helpers.ts'

const { defineClient, createRouter } = createMizan()

/** Text that must reach onError and never a client. */
export const SECRET = 'postgres://app:hunter2@db.internal/prod'

const cyclic = (): Record<string, unknown> => {
  const node: Record<string, unknown> = { name: 'loop' }
  node['self'] = node
  return node
}

const router = createRouter({
  ping: defineClient({}, () => ({ pong: true })),
  // BigInts are written as exact integer literals since issue #28 (Python peers send and read them).
  bigAsync: defineClient({}, async () => ({ total: 12345678901234567890n })),
  bigSync: defineClient({}, () => ({ total: 1n })),
  cyclicResult: defineClient({}, async () => cyclic()),
  throwingToJson: defineClient({}, () => ({ toJSON: () => { throw new Error(SECRET) } })),
  echoAny: defineClient({ input: z.object({ v: z.unknown() }) }, ({ v }) => ({ v })),
  leakyAuth: defineClient({ auth: () => { throw new Error(`cannot reach ${SECRET}`) } }, () => ({ ok: true })),
  leakyAsyncAuth: defineClient({ auth: async () => Promise.reject(new Error(`cannot reach ${SECRET}`)) }, () => ({ ok: true })),
  deniesWithMessage: defineClient({ auth: () => { throw new MizanError('FORBIDDEN', 'only on Tuesdays') } }, () => ({ ok: true })),
  leakyHandler: defineClient({}, async () => { throw new Error(SECRET) }),
  bigMember: defineClient({ context: 'ledger' }, async () => ({ balance: 10n })),
  cyclicMember: defineClient({ context: 'loop' }, async () => cyclic()),
  plainMember: defineClient({ context: 'board', input: z.object({ id: z.number().int() }) }, ({ id }) => ({ id })),
  secretFn: defineClient({ private: true }, () => ({ secret: 1 })),
})

const server = await startServer(router, {
  csrf: false,
  liveInvalidation: true,
  onError: (error) => process.stdout.write(`${JSON.stringify({ report: error instanceof Error ? error.message : String(error) })}\n`),
})
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`)
process.on('SIGTERM', () => void server.close().finally(() => process.exit(0)))
