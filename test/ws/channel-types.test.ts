/**
 * The channel types, from the router type alone: hooks, params, messages, `publish`. Checked by
 * `tsc` (the suite's type-check); the bodies are never run (hooks outside a component would
 * throw), which keeps this file out of vitest's slower typecheck mode.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { realtimeOf, webSocketTransport, type ChannelStatus } from '../../src/client/ws-transport.ts'
import { live } from '../../src/client/react/live.ts'
import type { ChannelKeys, ChannelMessageOf, ChannelParamsOf } from '../../src/shared/types.ts'
import { chat, inbox, notices, realtime, type WsRouter } from './ws-router.ts'

const mizan = createMizanReact<WsRouter>()
/** Type-level only: `tsc` checks the body, nothing runs it. */
const typeOnly = (_check: () => void) => expect(typeof _check).toBe('function')

describe('router types', () => {
  it('lists channels and their params and messages', () => typeOnly(() => {
    expectTypeOf<ChannelKeys<WsRouter>>().toEqualTypeOf<'chat' | 'notices' | 'inbox'>()
    expectTypeOf<ChannelParamsOf<WsRouter, 'chat'>>().toEqualTypeOf<{ room: string }>()
    expectTypeOf<ChannelParamsOf<WsRouter, 'notices'>>().toEqualTypeOf<void>()
    expectTypeOf<ChannelMessageOf<WsRouter, 'inbox'>>().toEqualTypeOf<{ subject: string }>()
  }))
})

describe('use<Name>Channel', () => {
  it('takes the params and returns typed messages and send', () => typeOnly(() => {
    const state = mizan.useChatChannel({ room: 'lobby' })
    expectTypeOf(state.messages).toEqualTypeOf<{ text: string; sender: string }[]>()
    expectTypeOf(state.send).parameter(0).toEqualTypeOf<{ text: string }>()
    expectTypeOf(state.status).toEqualTypeOf<ChannelStatus>()
    // @ts-expect-error params are required
    mizan.useChatChannel()
    // @ts-expect-error wrong param type
    mizan.useChatChannel({ room: 1 })
    // A channel without params takes none.
    expectTypeOf(mizan.useNoticesChannel().last).toEqualTypeOf<{ level: 'info' | 'warn'; text: string } | undefined>()
    // @ts-expect-error no such channel
    void mizan.useNopeChannel
    // Functions keep their hooks; channels add none besides their own.
    expectTypeOf(mizan.useEcho).toBeFunction()
    // @ts-expect-error a channel is not a function
    void mizan.useChat
  }))

  it('typed options', () => typeOnly(() => {
    createMizanReact<WsRouter>({ use: [live], transport: { websocket: ['bumpCounter', 'counter'] } })
    // @ts-expect-error unknown key in the websocket list
    createMizanReact<WsRouter>({ transport: { websocket: ['nope'] } })
  }))
})

describe('kernel and hub', () => {
  it('types realtimeOf(client).channel and hub.publish', () => typeOnly(() => {
    const socket = realtimeOf(createMizanClient<WsRouter>({ websocket: { connect: webSocketTransport } }))
    socket.channel('chat', { room: 'x' }, { onMessage: (m) => expectTypeOf(m).toEqualTypeOf<{ text: string; sender: string }>() })
    // @ts-expect-error not a channel
    socket.channel('echo', {}, { onMessage: () => {} })
    void realtime.hub.publish(inbox, { user_id: 1 }, { subject: 'hi' })
    void realtime.hub.publish(notices, undefined, { level: 'warn', text: 'x' })
    // @ts-expect-error the message of another channel
    void realtime.hub.publish(chat, { room: 'x' }, { subject: 'hi' })
  }))
})
