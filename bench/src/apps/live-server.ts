/**
 * One server process of the `live` scenario: `node --import tsx live-server.ts`, configured by
 * REDIS_URL, PREFIX and DATA_DIR. A board context and an `add_task` mutation, live invalidation
 * over a RedisBus; both processes keep the board in one file, so either serves the same state.
 * Prints `{"port": N}` once listening.
 */
import { appendFileSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { z } from 'zod'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { attachWebSocket } from '../../../src/server/adapters/ws.ts'
import { ChannelHub } from '../../../src/server/channels/hub.ts'
import { RedisBus } from '../../../src/server/channels/redis-bus.ts'
import { createMizan } from '../../../src/server/index.ts'

const dataDir = process.env['DATA_DIR'] ?? '.'
const file = (board: number) => join(dataDir, `board-${board}`)
const { defineClient, createRouter } = createMizan()
const router = createRouter({
  boardTasks: defineClient({ context: 'board', input: z.object({ board_id: z.number().int() }) }, ({ board_id }) => {
    try {
      return readFileSync(file(board_id), 'utf8').split('\n').filter(Boolean)
    } catch {
      return []
    }
  }),
  addTask: defineClient({ affects: 'board', input: z.object({ board_id: z.number().int(), title: z.string() }) }, ({ board_id, title }) => {
    appendFileSync(file(board_id), `${title}\n`)
    return { ok: true }
  }),
})

const bus = new RedisBus({ redis: process.env['REDIS_URL'] ?? '', onError: () => {} })
const hub = new ChannelHub({ bus, prefix: process.env['PREFIX'] ?? 'bench-live:' })
const server = createServer(createNodeHandler(router, { csrf: false, onError: () => {}, onInvalidate: hub.invalidated }))
attachWebSocket(server, router, { csrf: false, onError: () => {}, hub, liveInvalidation: true, maxSubscriptions: 100, heartbeatMs: 0 })
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`))
