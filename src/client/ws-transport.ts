/**
 * The WebSocket transport of the kernel: one lazily opened socket per client, multiplexing RPC,
 * context reads, channel subscriptions and (opt-in) live-invalidation watches, with the frames
 * of docs/PROTOCOL.md §9. It reconnects with backoff and jitter, re-subscribes every live
 * subscription with its current params, re-sends unanswered reads, and fails unanswered calls
 * with a clear error (a call may have run: it is never sent twice).
 *
 * This file is the entry; the parts are in ws/: connection.ts (the socket, reconnect),
 * pending-requests.ts (replies by id), channel-registry.ts, live-watches.ts.
 */
import type { AnyRouter } from '../shared/types.ts'
import type { MizanClient, UntypedMizanClient } from './types.ts'
import type { MizanRealtime, UntypedRealtime } from './ws/realtime-types.ts'

export { WsConnection } from './ws/connection.ts'
export { canonicalParams, errorFromFrame } from './ws/frames.ts'
export type {
  ChannelFrame,
  ChannelHandlers,
  ChannelParamsArgs,
  ChannelStatus,
  ChannelSubscription,
  ConnectionStatus,
  MizanRealtime,
  UntypedRealtime,
  WsConnectionHandle,
} from './ws/realtime-types.ts'
export type { WebSocketClientOptions, WebSocketConstructor, WebSocketLike, WsConnectionOptions } from './ws/socket-options.ts'

/**
 * The channel, watch and connection methods of a kernel made by `createMizanClient`, typed
 * from its router: `realtimeOf(client).channel('chat', { room }, { onMessage })`.
 */
export function realtimeOf<R extends AnyRouter>(client: MizanClient<R>): MizanRealtime<R>
export function realtimeOf(client: UntypedMizanClient): UntypedRealtime
export function realtimeOf(client: object): unknown {
  const candidate = client as Partial<UntypedRealtime>
  if (typeof candidate.channel !== 'function' || typeof candidate.watch !== 'function') {
    throw new TypeError('Mizan: this client has no WebSocket transport (make it with createMizanClient)')
  }
  return client
}
