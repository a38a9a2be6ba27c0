/** Channels over real sockets: authorize, group broadcast, server publish, and their errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MizanError } from '../../src/shared/errors.ts'
import { eventually, FrameClient, SocketPool, startServer, type RunningServer } from './helpers.ts'
import { chat, inbox, notices, realtime, resolveUser, wsRouter } from './ws-router.ts'

let server: RunningServer
const sockets = new SocketPool()

beforeAll(async () => {
  server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub: realtime.hub })
})
afterAll(async () => {
  await sockets.closeAll()
  await server.close()
})

const socketFor = (user?: string): Promise<FrameClient> => sockets.connect(server.wsUrl, user ? { 'x-test-user': user } : {})

async function subscribed(client: FrameClient, channel: string, params?: unknown) {
  const frame = params === undefined ? { action: 'subscribe', channel } : { action: 'subscribe', channel, params }
  expect(await client.request(frame)).toEqual({ subscribed: true, channel, params: params ?? {} })
}

describe('authorize', () => {
  it('denies with the reference frame and subscribes nothing', async () => {
    const alice = await socketFor('alice')
    expect(await alice.request({ action: 'subscribe', channel: 'inbox', params: { user_id: 2 } })).toEqual({ error: 'Not authorized', channel: 'inbox' })
    expect(await alice.request({ action: 'subscribe', channel: 'chat', params: { room: 'staff' } })).toEqual({ error: 'Not authorized', channel: 'chat' })
    // Nothing published to the refused groups reaches her.
    await realtime.hub.publish(inbox, { user_id: 2 }, { subject: 'for sam only' })
    expect(await alice.drain(100)).toEqual([])
    await subscribed(alice, 'inbox', { user_id: 1 })
    const sam = await socketFor('sam')
    await subscribed(sam, 'chat', { room: 'staff' })
  })

  it('validates params before anything else', async () => {
    const client = await socketFor()
    const refused = await client.request({ action: 'subscribe', channel: 'inbox', params: { user_id: 'two' } })
    expect(refused.channel).toBe('inbox')
    expect(refused.error).toMatch(/^Invalid params: user_id: /)
    expect(await client.request({ action: 'subscribe', channel: 'nope', params: {} })).toEqual({ error: 'Unknown channel: nope' })
  })
})

describe('group broadcast', () => {
  it("reaches every subscriber of the group, the sender included, and nobody else's", async () => {
    const [a, b, c] = [await socketFor('alice'), await socketFor('sam'), await socketFor()]
    await subscribed(a, 'chat', { room: 'lobby' })
    await subscribed(b, 'chat', { room: 'lobby' })
    await subscribed(c, 'chat', { room: 'kitchen' })
    a.send({ action: 'message', channel: 'chat', params: { room: 'lobby' }, data: { text: 'hi all' } })
    const expected = { channel: 'chat', params: { room: 'lobby' }, type: 'ServerMessage', data: { text: 'hi all', sender: 'alice' } }
    expect(await a.next()).toEqual(expected)
    expect(await b.next()).toEqual(expected)
    expect(await c.drain(100)).toEqual([])
  })

  it('a socket subscribed twice to one group hears each message once; unsubscribe stops delivery', async () => {
    const client = await socketFor('alice')
    await subscribed(client, 'chat', { room: 'solo' })
    expect(await client.request({ action: 'subscribe', channel: 'chat', params: { room: 'solo' } })).toEqual({
      error: 'Already subscribed to chat',
      channel: 'chat',
      params: { room: 'solo' },
    })
    await realtime.hub.publish(chat, { room: 'solo' }, { text: 'once', sender: 'server' })
    expect((await client.next()).data.text).toBe('once')
    expect(await client.drain(50)).toEqual([])
    expect(await client.request({ action: 'unsubscribe', channel: 'chat', params: { room: 'solo' } })).toEqual({ unsubscribed: true, channel: 'chat', params: { room: 'solo' } })
    await realtime.hub.publish(chat, { room: 'solo' }, { text: 'late', sender: 'server' })
    expect(await client.drain(100)).toEqual([])
    expect(await client.request({ action: 'message', channel: 'chat', params: { room: 'solo' }, data: { text: 'x' } })).toEqual({ error: 'Not subscribed to chat', channel: 'chat' })
  })

  it('a server function publishes to a channel (HTTP call → socket subscribers)', async () => {
    const watcher = await socketFor()
    await subscribed(watcher, 'notices')
    const res = await fetch(`${server.url}/api/mizan/call/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': 'sam' },
      body: JSON.stringify({ fn: 'post_notice', args: { text: 'maintenance at 5' } }),
    })
    expect(res.status).toBe(200)
    expect(await watcher.next()).toEqual({ channel: 'notices', params: {}, type: 'ServerMessage', data: { level: 'info', text: 'maintenance at 5' } })
  })

  it('a publish-only channel refuses client messages, and invalid messages are refused', async () => {
    const client = await socketFor('alice')
    await subscribed(client, 'notices')
    expect(await client.request({ action: 'message', channel: 'notices', data: { level: 'info', text: 'spoof' } })).toEqual({
      error: 'Channel notices does not accept client messages',
      channel: 'notices',
    })
    await subscribed(client, 'chat', { room: 'rules' })
    const bad = await client.request({ action: 'message', channel: 'chat', params: { room: 'rules' }, data: { text: 'x'.repeat(501) } })
    expect(bad.error).toMatch(/^Invalid message: text: /)
  })

  it('hub.publish validates like a client would, and takes wire names', async () => {
    // @ts-expect-error the message must match the channel's schema
    await expect(realtime.hub.publish(notices, undefined, { level: 'loud', text: 'x' })).rejects.toBeInstanceOf(MizanError)
    // @ts-expect-error params are typed too
    await expect(realtime.hub.publish(chat, { room: 1 }, { text: 'x', sender: 'y' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' })
    await expect(realtime.hub.publish('nope', {}, {})).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const client = await socketFor()
    await subscribed(client, 'chat', { room: 'byname' })
    await realtime.hub.publish('chat', { room: 'byname' }, { text: 'by name', sender: 'server' })
    expect((await client.next()).data).toEqual({ text: 'by name', sender: 'server' })
  })
})

describe('shutdown', () => {
  it('closes every socket with 1001 and stops accepting', async () => {
    const other = await startServer(wsRouter, { resolveUser, onError: () => {} })
    const client = await FrameClient.connect(other.wsUrl)
    await subscribed(client, 'chat', { room: 'bye' })
    await other.ws.close()
    await eventually(() => expect(client.closeCode).toBe(1001))
    await expect(FrameClient.connect(other.wsUrl)).rejects.toBeTruthy()
    other.http.closeAllConnections()
    await new Promise((r) => other.http.close(r))
  })
})
