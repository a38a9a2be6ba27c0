/**
 * A second server process for the scale-out tests: `node --import tsx test/ws/peer-server.ts`.
 * Same app, its own hub on Redis (MIZAN_TEST_REDIS_URL, MIZAN_TEST_PREFIX), live invalidation
 * on; prints `{"port": N}` on stdout once listening and exits cleanly on SIGTERM.
 */
import { ChannelHub } from '../../src/server/channels/hub.ts'
import { RedisBus } from '../../src/server/channels/redis-bus.ts'
import { startServer } from './helpers.ts'
import { realtime, resolveUser, wsRouter } from './ws-router.ts'

const bus = new RedisBus({ redis: process.env['MIZAN_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' })
realtime.hub = new ChannelHub({ bus, prefix: process.env['MIZAN_TEST_PREFIX'] ?? 'mizan-test:' })
const hub = realtime.hub
const server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub, liveInvalidation: true }, { onInvalidate: hub.invalidated })
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`)

process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => bus.close())
    .finally(() => process.exit(0))
})
