/**
 * The soak's server process (forked by the orchestrator with an IPC channel, like
 * src/servers/serve.ts): `createNodeHandler` on node:http, bound to 127.0.0.1 on a free port.
 *   server.ts [--redis=<url>] [--namespace=<prefix>] [--ws]
 * `--redis` puts the origin cache on RedisCache (its own key namespace, cleared on stop);
 * `--ws` attaches the WebSocket adapter with the router's channel. Sends `{ ready, port, pid }`;
 * answers `{ cmd: 'mem' }` (after a full GC; the process runs with --expose-gc) and
 * `{ cmd: 'stats' }`; exits on `{ cmd: 'stop' }` or when the parent goes.
 */
import { createServer } from 'node:http'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { attachWebSocket, type MizanWebSocketServer } from '../../../src/server/adapters/ws.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import type { AnyServerRouter } from '../../../src/server/router.ts'
import { listen } from '../servers/bare.ts'
import { memoryAfterGc } from '../lib/child.ts'
import { hub, renameCount, soakRouter } from './router.ts'

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const redisUrl = arg('redis')
const namespace = arg('namespace') ?? `mizan-soak-${process.pid}:`
const withWs = process.argv.includes('--ws')

const cacheEvents: { at: number; message: string }[] = []
const errors: string[] = []
const backend = redisUrl ? new RedisCache(redisUrl, { namespace }) : undefined
const router = soakRouter as unknown as AnyServerRouter
const options = {
  csrf: false as const,
  ...(backend
    ? {
        cache: {
          backend,
          secret: 'soak-secret-not-for-production',
          // The cache says once when the backend goes and once when it is back: keep both, with times.
          log: (message: string) => {
            cacheEvents.push({ at: Date.now(), message })
          },
        },
      }
    : {}),
  // Anything the dispatcher reports as an unexpected error is a soak failure: count it.
  onError: (error: unknown) => {
    if (errors.length < 20) errors.push(String((error as Error)?.stack ?? error).slice(0, 400))
    else errors.push('…')
  },
}
const handler = createNodeHandler(router, options)
const server = createServer((req, res) => void handler(req, res))
server.keepAliveTimeout = 60_000
const started = await listen(server)
let ws: MizanWebSocketServer | undefined
if (withWs) ws = attachWebSocket(server, router, { ...options, hub })

process.on('message', async (msg: { cmd: string; id?: number }) => {
  if (msg.cmd === 'mem') process.send?.({ id: msg.id, result: memoryAfterGc() })
  if (msg.cmd === 'heap') {
    // As it is, no GC forced: what the process holds right now.
    const m = process.memoryUsage()
    process.send?.({ id: msg.id, result: { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers } })
  }
  if (msg.cmd === 'stats') process.send?.({ id: msg.id, result: { cacheEvents, errors: errors.length, errorSamples: errors.slice(0, 5), renames: renameCount(), sockets: ws?.size ?? 0 } })
  if (msg.cmd === 'stop') {
    const closing = (async () => {
      await ws?.close()
      if (backend) {
        await backend.clear().catch(() => {})
        await backend.quit()
      }
      server.closeAllConnections()
      await started.close()
    })()
    await Promise.race([closing, new Promise((r) => setTimeout(r, 3000))])
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ ready: true, port: started.port, pid: process.pid })
