/**
 * `mizan-ts/react/channels`: `use<Name>Channel(params)` and `useConnectionStatus()`, as a
 * plug-in that also plugs the WebSocket transport into the kernels `<MizanContext>` makes:
 *
 * ```ts
 * import { channels } from 'mizan-ts/react/channels'
 * const mizan = createMizanReact<AppRouter>({ use: [channels] })
 * const { messages, send, status } = mizan.useChatChannel({ room })
 * ```
 */
import { createChannelHook, useConnectionStatus } from './channel-hooks.ts'
import type { MizanReactPlugin } from './plugin.ts'
import { withSocket } from './socket-provider.ts'

export const channels: MizanReactPlugin = {
  name: 'channels',
  hook: (target, hookName) =>
    target.kind === 'channel' ? createChannelHook(target.key, hookName) : target.kind === 'useConnectionStatus' ? useConnectionStatus : undefined,
  provider: withSocket,
}

export { useConnectionStatus }
export { realtimeOf, webSocketTransport } from '../ws-transport.ts'
export type { ChannelHookOptions, ChannelHooks, ChannelState, RealtimeHooks } from './channel-types.ts'
