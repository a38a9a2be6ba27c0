/** A channel consumed over SSE (no WebSocket server): channelFeed as a streaming function, over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { channelFeed, createChannelHub, createRouter, defineChannel, defineClient } from '../../src/server/index.ts'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { stream } from '../../src/client/stream.ts'
import { listen } from '../server/adapters/serve.ts'

const chat = defineChannel({
  params: z.object({ room: z.string() }),
  message: z.object({ text: z.string() }),
  authorize: ({ room }) => room !== 'secret',
})
const hub = createChannelHub()
const router = createRouter({
  chat,
  chatFeed: defineClient({ input: z.object({ room: z.string() }) }, (params, ctx) => channelFeed(hub, chat, params, ctx)),
})
hub.register(router)

let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  server = await listen(createNodeHandler(router, { csrf: false, onError: () => {} }))
})
afterAll(() => server.close())

const client = () => createMizanClient<typeof router>({ baseUrl: `${server.url}/api/mizan`, csrf: false })

describe('channelFeed', () => {
  it("delivers the room's messages as they are published, and only that room's", async () => {
    const controller = new AbortController()
    const got: unknown[] = []
    const reading = (async () => {
      for await (const message of stream(client(), 'chatFeed', { room: 'a' }, { signal: controller.signal })) {
        got.push(message)
        if (got.length === 2) controller.abort()
      }
    })().catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 150))
    await hub.publish('chat', { room: 'b' }, { text: 'other room' })
    await hub.publish('chat', { room: 'a' }, { text: 'one' })
    await hub.publish('chat', { room: 'a' }, { text: 'two' })
    expect(await reading).toMatchObject({ code: 'ABORTED' })
    expect(got).toEqual([{ text: 'one' }, { text: 'two' }])
  })

  it("refuses a reader the channel's authorize refuses", async () => {
    const error = await (async () => {
      for await (const _ of stream(client(), 'chatFeed', { room: 'secret' })) void _
    })().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'Not authorized' })
  })
})
