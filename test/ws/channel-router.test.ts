/** Channels in the router: registration, names, and the hook names the client reads back. */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseHookName } from '../../src/client/react/hook-names.ts'
import { defineChannel } from '../../src/server/channels/define-channel.ts'
import { ChannelHub, liveEntries } from '../../src/server/channels/hub.ts'
import { createMizan } from '../../src/server/index.ts'
import { createRouter, RouterDefinitionError } from '../../src/server/router.ts'

const { defineClient } = createMizan()
const message = z.object({ text: z.string() })

describe('channels in createRouter', () => {
  it('registers channels by wire name, apart from functions', () => {
    const roomChat = defineChannel({ params: z.object({ room: z.string() }), message })
    const router = createRouter({ roomChat, ping: defineClient({}, () => 'pong') })
    expect([...router.channels.keys()]).toEqual(['room_chat'])
    expect(router.channels.get('room_chat')).toMatchObject({ key: 'roomChat', name: 'room_chat', def: roomChat })
    expect(roomChat.name).toBe('room_chat')
    expect([...router.functions.keys()]).toEqual(['ping'])
  })

  it('keeps an explicit name, and refuses two channels with one name', () => {
    expect(createRouter({ chat: defineChannel({ name: 'lobby', message }) }).channels.has('lobby')).toBe(true)
    expect(() => createRouter({ a: defineChannel({ name: 'same', message }), b: defineChannel({ name: 'same', message }) })).toThrow(RouterDefinitionError)
  })

  it("refuses a function key ending in 'Channel': the client would read its hook as a channel's", () => {
    expect(() => createRouter({ updateChannel: defineClient({}, () => null) })).toThrow(/ends in 'Channel'/)
  })

  it('requires a message schema', () => {
    expect(() => defineChannel({} as never)).toThrow(/message/)
  })
})

describe('hook names', () => {
  it('reads use<Key>Channel as a channel and the realtime hooks as themselves', () => {
    expect(parseHookName('useChatChannel')).toEqual({ kind: 'channel', key: 'chat' })
    expect(parseHookName('useRoomChatChannel')).toEqual({ kind: 'channel', key: 'roomChat' })
    expect(parseHookName('useLiveInvalidation')).toEqual({ kind: 'useLiveInvalidation' })
    expect(parseHookName('useConnectionStatus')).toEqual({ kind: 'useConnectionStatus' })
    expect(parseHookName('useChannel')).toEqual({ kind: 'function', key: 'channel' })
  })
})

describe('live entries', () => {
  it('turn merges into refetches and drop function entries', () => {
    expect(
      liveEntries({
        invalidate: ['global', { context: 'user', params: { user_id: 1 } }, { function: 'list_items' }],
        merge: [
          { context: 'user', slot: 'user_profile', value: { secret: 'of the mutating user' }, params: { user_id: 1 } },
          { context: 'team', slot: 'team_members', value: [] },
        ],
      }),
    ).toEqual(['global', { context: 'user', params: { user_id: 1 } }, 'team'])
  })

  it('a hub with no watcher publishes but delivers nothing', async () => {
    const hub = new ChannelHub()
    await expect(hub.invalidated({ invalidate: ['global'], merge: [] })).resolves.toBeUndefined()
  })
})
