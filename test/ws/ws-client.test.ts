/**
 * The kernel's WebSocket transport against a real server: routing per function and context,
 * the same results and errors as HTTP, channels, and what a dropped socket does — reconnect
 * with backoff, re-subscribe with the current params, re-send reads, fail calls clearly.
 */
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { WebSocket as WS } from 'ws'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { realtimeOf, webSocketTransport, type ChannelStatus, type WebSocketConstructor } from '../../src/client/ws-transport.ts'
import { MizanError } from '../../src/shared/errors.ts'
import { db } from '../fixtures/app-router.ts'
import { eventually, sleep, startServer, type RunningServer } from './helpers.ts'
import { chat, counter, realtime, resolveUser, wsRouter, type WsRouter } from './ws-router.ts'

const WebSocket = WS as unknown as WebSocketConstructor
let server: RunningServer
const clients: { connection: { close(): void } }[] = []

beforeAll(async () => {
  server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub: realtime.hub })
})
afterAll(() => server.close())
afterEach(() => {
  for (const c of clients.splice(0)) c.connection.close()
})

/** HTTP is forbidden unless a test allows it, so a request that should go over the socket cannot sneak out. */
function kernel(options: Parameters<typeof createMizanClient<WsRouter>>[0] = {}, user = 'alice') {
  const httpRequests: string[] = []
  const client = createMizanClient<WsRouter>({
    baseUrl: `${server.url}/api/mizan`,
    csrf: false,
    headers: { 'x-test-user': user },
    fetch: async (url, init) => {
      httpRequests.push(String(url))
      return fetch(url, init)
    },
    ...options,
    websocket: { connect: webSocketTransport, WebSocket, reconnect: { baseDelayMs: 20, maxDelayMs: 200 }, ...options?.websocket },
  })
  const live = realtimeOf(client)
  clients.push(live)
  return { client, live, httpRequests }
}

describe('routing', () => {
  it("transport: 'websocket' sends every call and context read over one socket", async () => {
    db.reset()
    const { client, httpRequests } = kernel({ transport: 'websocket' })
    expect((await client.call('echo', { text: 'over ws' })).result).toEqual({ message: 'over ws' })
    expect(await client.context('user', { user_id: 1, limit: 1 })).toEqual({ user_posts: [{ id: 100, title: 'post 0' }], user_profile: { user_id: 1, name: 'Alice' } })
    const outcome = await client.call('renameUser', { user_id: 1, name: 'Ally' })
    expect(outcome.merge).toEqual([{ context: 'user', slot: 'user_profile', value: { user_id: 1, name: 'Ally' }, params: { user_id: 1 } }])
    expect((await client.call('touchEverything', { user_id: 2 })).invalidate).toEqual([{ context: 'user', params: { user_id: 2 } }, 'global'])
    const failure = await client.call('add', { a: 1 } as never).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(MizanError)
    expect(failure).toMatchObject({ code: 'VALIDATION_ERROR', status: 422, fieldErrors: { b: ['Field required'] } })
    await expect(client.call('staffOnly')).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 })
    await expect(client.context('broken')).rejects.toMatchObject({ code: 'INTERNAL_ERROR' })
    expect(httpRequests).toEqual([])
    expect(server.ws.size).toBe(1)
  })

  it('{ websocket: [...] } sends the named functions and contexts over the socket, the rest over HTTP', async () => {
    const { client, httpRequests } = kernel({ transport: { websocket: ['bumpCounter', 'counter'] } })
    const before = counter.value
    expect((await client.call('bumpCounter')).result).toEqual({ value: before + 1 })
    expect(await client.context('counter')).toEqual({ live_counter: { value: before + 1 } })
    expect(httpRequests).toEqual([])
    await client.call('ping')
    expect(httpRequests).toEqual([`${server.url}/api/mizan/call/`])
  })

  it('types the websocket list from the router', () => {
    // @ts-expect-error not a function or context of the router
    void (() => createMizanClient<WsRouter>({ transport: { websocket: ['nope'] } }))
    const typed = realtimeOf(createMizanClient<WsRouter>({ websocket: { connect: webSocketTransport } }))
    expectTypeOf(typed.channel<'chat'>).parameter(1).toEqualTypeOf<{ room: string } | undefined>()
    typed.connection.close()
  })
})

describe('channels through the kernel', () => {
  it('subscribes, receives, sends; two handles with the same params share one subscription', async () => {
    const { live } = kernel({}, 'alice')
    const got: unknown[] = []
    const statuses: ChannelStatus[] = []
    const sub = live.channel('chat', { room: 'k1' }, { onMessage: (m) => got.push(m), onStatus: (s) => statuses.push(s) })
    const twin: unknown[] = []
    const second = live.channel('chat', { room: 'k1' }, { onMessage: (m) => twin.push(m) })
    await eventually(() => expect(sub.status).toBe('open'))
    sub.send({ text: 'hello' })
    await eventually(() => expect(got).toEqual([{ text: 'hello', sender: 'alice' }]))
    expect(twin).toEqual(got)
    expect(statuses).toContain('open')
    second.close()
    sub.close()
    expect(sub.status).toBe('closed')
  })

  it('reports a refused subscription', async () => {
    const { live } = kernel({}, 'alice')
    const errors: string[] = []
    const sub = live.channel('inbox', { user_id: 2 }, { onMessage: () => {}, onError: (e) => errors.push(e) })
    await eventually(() => expect(sub.status).toBe('error'))
    expect(errors).toEqual(['Not authorized'])
  })
})

describe('connection.reconnect()', () => {
  it('carries a new identity to the socket: subscriptions resume and are authorized for it, a read in flight is answered', async () => {
    let token = 'token-alice'
    const { client, live } = kernel({ headers: {}, websocket: { token: () => token } })
    const senders: string[] = []
    const chatStatuses: ChannelStatus[] = []
    const room = live.channel('chat', { room: 'who' }, { onMessage: (m) => senders.push(m.sender), onStatus: (s) => chatStatuses.push(s) })
    await eventually(() => expect(room.status).toBe('open'))
    room.send({ text: 'as alice' })
    await eventually(() => expect(senders).toEqual(['alice']))

    const read = client.context('slow', { ms: 200 })
    await sleep(50)
    token = 'token-sam'
    chatStatuses.length = 0
    live.connection.reconnect()
    expect(await read).toEqual({ slow_status: { reads: expect.any(Number) } })
    await eventually(() => expect(room.status).toBe('open'))
    expect(chatStatuses).toEqual(['reconnecting', 'connecting', 'open'])
    room.send({ text: 'as sam' })
    await eventually(() => expect(senders).toEqual(['alice', 'sam']))
    // sam's own inbox is his now; the old socket is gone.
    const inbox = live.channel('inbox', { user_id: 2 }, { onMessage: () => {} })
    await eventually(() => expect(inbox.status).toBe('open'))
    await eventually(() => expect(server.ws.size).toBe(1))
  })

  it('during the handshake, drops the identity that handshake was made with', async () => {
    let token = 'token-alice'
    let asked = 0
    const slowToken = async () => {
      asked++
      const now = token
      await sleep(100)
      return now
    }
    const { live } = kernel({ headers: {}, websocket: { token: slowToken } })
    const senders: string[] = []
    const room = live.channel('chat', { room: 'prep' }, { onMessage: (m) => senders.push(m.sender) })
    await sleep(20)
    token = 'token-sam'
    live.connection.reconnect()
    await eventually(() => expect(room.status).toBe('open'))
    room.send({ text: 'hi' })
    await eventually(() => expect(senders).toEqual(['sam']))
    expect(asked).toBe(2)
  })

  it('fails a call that was on the wire, and does nothing once the socket is closed for good', async () => {
    const { client, live } = kernel({ transport: 'websocket' })
    await client.call('ping')
    const pending = client.call('slowEcho', { text: 'once', ms: 200 })
    await sleep(50)
    live.connection.reconnect()
    expect(await pending.catch((e: unknown) => e)).toMatchObject({ code: 'NETWORK_ERROR', message: expect.stringMatching(/it may have run on the server, so it was not retried/) })
    expect((await client.call('echo', { text: 'after' })).result).toEqual({ message: 'after' })
    live.connection.close()
    live.connection.reconnect()
    expect(live.connection.status).toBe('closed')
  })

  it('is typed on the connection handle', () => {
    const { live } = kernel()
    expectTypeOf(live.connection.reconnect).toEqualTypeOf<() => void>()
  })
})

describe('more requests at once than the server keeps in flight (maxInFlight, 32 by default)', () => {
  it('used to fail the extra calls with "Too many requests in flight"; the client now holds them until replies free a slot', async () => {
    for (const batch of [false, true]) {
      const { client } = kernel({ transport: 'websocket', websocket: { batch } })
      const texts = Array.from({ length: 50 }, (_, i) => `slow ${i}`)
      const outcomes = await Promise.allSettled(texts.map((text) => client.call('slowEcho', { text, ms: 30 })))
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([])
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.result.text : undefined))).toEqual(texts)
    }
  })

  it.each([
    ['made on an open socket (the eight that do not fit wait with no connection timer)', true, 100],
    ['made before the socket opened (their first timer runs out while it is open)', false, 450],
  ])('fails the ones still waiting for a slot after connectTimeoutMs when the server goes away: %s', async (_when, openFirst, waitMs) => {
    const own = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub: realtime.hub })
    const { client } = kernel({ transport: 'websocket', websocket: { url: own.wsUrl, connectTimeoutMs: 300 } })
    if (openFirst) await client.call('ping')
    const settled = Promise.allSettled(Array.from({ length: 40 }, (_, i) => client.call('slowEcho', { text: `${i}`, ms: 2000 })))
    await sleep(waitMs)
    await own.close()
    const outcomes = await Promise.race([settled, sleep(3000).then(() => 'still waiting' as const)])
    expect(outcomes).not.toBe('still waiting')
    const messages = (outcomes as PromiseSettledResult<unknown>[]).map((o) => (o.status === 'rejected' ? String((o.reason as Error).message) : 'answered'))
    expect(messages.filter((m) => m.includes('it may have run on the server'))).toHaveLength(32)
    expect(messages.filter((m) => m.includes('No WebSocket connection within 300 ms'))).toHaveLength(8)
  })
})

describe('a dropped socket', () => {
  const dropAll = (s: RunningServer) => {
    for (const socket of s.ws.wss.clients) socket.terminate()
  }

  it('reconnects, re-subscribes with the current params, and re-sends a read in flight', async () => {
    const { client, live } = kernel({ transport: 'websocket' })
    const got: string[] = []
    const statuses: ChannelStatus[] = []
    const sub = live.channel('chat', { room: 'before' }, { onMessage: (m) => got.push(m.text), onStatus: (s) => statuses.push(s) })
    await eventually(() => expect(sub.status).toBe('open'))
    sub.update({ room: 'after' })
    await eventually(() => expect(sub.status).toBe('open'))
    const reads = counter.slowReads
    const read = client.context('slow', { ms: 200 })
    await sleep(50)
    statuses.length = 0
    dropAll(server)
    await eventually(() => expect(statuses).toEqual(['reconnecting', 'connecting', 'open']), 3000)
    // The read was answered after the reconnect: the server ran it again.
    expect(await read).toEqual({ slow_status: { reads: expect.any(Number) } })
    expect(counter.slowReads).toBeGreaterThanOrEqual(reads + 2)
    await realtime.hub.publish(chat, { room: 'before' }, { text: 'old room', sender: 's' })
    await realtime.hub.publish(chat, { room: 'after' }, { text: 'new room', sender: 's' })
    await eventually(() => expect(got).toEqual(['new room']))
    expect(server.ws.size).toBe(1)
  })

  it('fails a call in flight with a clear error instead of sending it twice', async () => {
    const { client } = kernel({ transport: 'websocket' })
    await client.call('ping')
    const pending = client.call('slowEcho', { text: 'once', ms: 200 })
    await sleep(50)
    dropAll(server)
    const error = await pending.catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0 })
    expect((error as Error).message).toMatch(/closed before call 'slow_echo' was answered; it may have run on the server, so it was not retried/)
    // The next call reconnects.
    expect((await client.call('echo', { text: 'again' })).result).toEqual({ message: 'again' })
  })

  it('survives a server restart on the same port, re-subscribing with the params of the moment', async () => {
    const port = server.port
    const { live } = kernel({}, 'sam')
    const got: string[] = []
    const sub = live.channel('chat', { room: 'r1' }, { onMessage: (m) => got.push(m.text) })
    await eventually(() => expect(sub.status).toBe('open'))
    await server.close()
    // The server is down: it stays reconnecting (backing off) until the server is back.
    await eventually(() => expect(sub.status).toBe('reconnecting'))
    // While the server is down the params change: only the new ones may come back.
    sub.update({ room: 'r2' })
    await sleep(100)
    server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub: realtime.hub }, {}, port)
    await eventually(() => expect(sub.status).toBe('open'), 5000)
    await realtime.hub.publish(chat, { room: 'r1' }, { text: 'stale', sender: 's' })
    await realtime.hub.publish(chat, { room: 'r2' }, { text: 'current', sender: 's' })
    await eventually(() => expect(got).toEqual(['current']))
  })
})
