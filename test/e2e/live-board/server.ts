/**
 * One server process of live-board.test.ts: `node --import tsx server.ts`, configured by
 * PORT, REDIS_URL, PREFIX, DATA_DIR and APP_JS (the bundled page). HTTP and the WebSocket on
 * one port, live invalidation over a RedisBus; prints `{"port": N}` once listening.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { attachWebSocket } from '../../../src/server/adapters/ws.ts'
import { ChannelHub } from '../../../src/server/channels/hub.ts'
import { RedisBus } from '../../../src/server/channels/redis-bus.ts'
import { buildRouter, userFromCookie } from './router.ts'

const env = (name: string) => process.env[name] ?? ''
const router = buildRouter(env('DATA_DIR'))
const script = readFileSync(env('APP_JS'), 'utf8')
const HTML = '<!doctype html><meta charset="utf-8"><title>live board</title><div id="root"></div><script src="/app.js"></script>'

const bus = new RedisBus({ redis: env('REDIS_URL'), onError: () => {} })
const hub = new ChannelHub({ bus, prefix: env('PREFIX'), log: (line) => process.stderr.write(`${line}\n`) })
const options = { csrf: false as const, onError: () => {}, resolveUser: (req: { headers: Headers }) => userFromCookie(req.headers.get('cookie')) }
const api = createNodeHandler(router, { ...options, onInvalidate: hub.invalidated })
const server = createServer((req, res) => {
  if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(HTML)
  if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
  void api(req, res)
})
attachWebSocket(server, router, { ...options, hub, liveInvalidation: true, heartbeatMs: 0 })
server.listen(Number(env('PORT') || 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})
