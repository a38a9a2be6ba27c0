/**
 * One bundle, every transport, real Redis: a read on one path, a mutation on another, a read on a
 * third never meets the old bundle, whatever the order.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { createCaller } from '../../../src/server/index.ts'
import { FrameClient, startServer } from '../../ws/helpers.ts'
import { boardUserResolver, buildBoardRouter, createDb } from './board-app.ts'

const redis = new RedisCache('redis://127.0.0.1:6379', { namespace: `mizan-transports:${randomUUID()}:` })
afterAll(async () => {
  await redis.clear()
  await redis.quit()
})

describe('HTTP read, WebSocket mutation, caller and SSR reads on one Redis', () => {
  it('no path serves the bundle another path cached before the mutation', async () => {
    const db = createDb([1, 2, 3])
    const router = buildBoardRouter(db)
    const cache = { backend: redis, secret: 'transports' }
    const options = { csrf: false as const, onError: () => {}, resolveUser: boardUserResolver(db), cache }
    const server = await startServer(router, options, options)
    const one = await FrameClient.connect(server.wsUrl, { 'x-user': '1' })
    const three = await FrameClient.connect(server.wsUrl, { 'x-user': '3' })
    try {
      const http = async (user: number) => {
        const res = await fetch(`${server.url}/api/mizan/ctx/board/?board_id=1&junk=1`, { headers: { 'x-user': String(user) } })
        return [res.headers.get('x-mizan-cache'), ((await res.json()) as { board_tasks: string[] }).board_tasks]
      }
      const ws = async (client: FrameClient) => (await client.request({ action: 'ctx', id: 'r', context: 'board', params: { board_id: '1' } })).data['board_tasks']
      const caller = (user: number) => createCaller(router, { user: db.users.get(String(user))!, cache })
      expect(await http(2)).toEqual(['MISS', []])
      expect(await ws(three)).toEqual([])
      expect((await caller(2).$context('board', { board_id: 1 })).boardTasks).toEqual([])
      const added = await one.request({ action: 'rpc', id: 'm', fn: 'add_task', args: { board_id: 1, title: 'over the socket' } })
      expect(added.ok).toBe(true)
      expect(await http(2)).toEqual(['MISS', ['over the socket']])
      expect(await ws(three)).toEqual(['over the socket'])
      expect((await caller(2).$context('board', { board_id: 1 })).boardTasks).toEqual(['over the socket'])
      await caller(3).addTask({ board_id: 1, title: 'from the caller' })
      expect(await ws(three)).toEqual(['over the socket', 'from the caller'])
      expect(await http(2)).toEqual(['MISS', ['over the socket', 'from the caller']])
    } finally {
      one.socket.close()
      three.socket.close()
      await server.close()
    }
  })
})
