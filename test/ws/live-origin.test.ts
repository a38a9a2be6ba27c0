/** Live invalidation skips the client that made the change: it already applied its own response. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChannelHub } from '../../src/server/channels/hub.ts'
import { db } from '../fixtures/app-router.ts'
import { FrameClient, sleep, startServer, type RunningServer } from './helpers.ts'
import { resolveUser, wsRouter } from './ws-router.ts'

let server: RunningServer
const hub = new ChannelHub()
beforeAll(async () => {
  server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub, liveInvalidation: true }, { onInvalidate: hub.invalidated })
})
afterAll(() => server.close())

const watchUser1 = async (client: string) => {
  const socket = await FrameClient.connect(`${server.wsUrl}?client=${client}`)
  expect(await socket.request({ action: 'watch', context: 'user', params: { user_id: 1 } })).toMatchObject({ watching: true })
  return socket
}

describe('live invalidation and the originating client (regression: a page refetched its own mutation twice)', () => {
  it('an HTTP mutation is not echoed to the socket of the client that sent it', async () => {
    db.reset()
    const mine = await watchUser1('clientAAAAAAAA')
    const theirs = await watchUser1('clientBBBBBBBB')
    const res = await fetch(`${server.url}/api/mizan/call/`, {
      method: 'POST',
      headers: { 'x-mizan-client': 'clientAAAAAAAA' },
      body: JSON.stringify({ fn: 'update_profile', args: { user_id: 1, name: 'Al' } }),
    })
    expect(res.status).toBe(200)
    expect(await theirs.next(3000)).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
    await sleep(150)
    expect(mine.frames.filter((f) => (f as { type?: string }).type === 'invalidate')).toEqual([])
    await Promise.all([mine.close(), theirs.close()])
  })

  it('a socket mutation is not echoed to the socket that made it', async () => {
    db.reset()
    const mine = await watchUser1('clientCCCCCCCC')
    const theirs = await watchUser1('clientDDDDDDDD')
    expect(await mine.request({ action: 'rpc', id: 'r1', fn: 'touch_everything', args: { user_id: 1 } })).toMatchObject({ id: 'r1', ok: true })
    expect(await theirs.next(3000)).toEqual({ type: 'invalidate', invalidate: [{ context: 'user', params: { user_id: 1 } }] })
    await sleep(150)
    expect(mine.frames.filter((f) => (f as { type?: string }).type === 'invalidate')).toEqual([])
    await Promise.all([mine.close(), theirs.close()])
  })
})
