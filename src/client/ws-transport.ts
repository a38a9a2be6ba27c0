/**
 * `mizan-ts/client/ws`: the WebSocket transport, plugged into a kernel by the app:
 *
 * ```ts
 * import { realtimeOf, webSocketTransport } from 'mizan-ts/client/ws'
 * const client = createMizanClient<AppRouter>({ transport: 'websocket', websocket: { connect: webSocketTransport } })
 * realtimeOf(client).channel('chat', { room }, { onMessage })
 * ```
 *
 * One lazily opened socket per client multiplexes RPC, context reads, channel subscriptions and
 * (opt-in) live-invalidation watches, with the frames of docs/PROTOCOL.md §9. It reconnects with
 * backoff and jitter, re-subscribes every live subscription with its current params, re-sends
 * unanswered reads, and fails unanswered calls with a clear error (a call may have run: it is
 * never sent twice). The parts are in ws/: connection.ts (the socket, reconnect),
 * pending-requests.ts (replies by id), channel-registry.ts, live-watches.ts.
 */
import type { AnyRouter } from '../shared/types.ts'
import type { MizanClient, UntypedMizanClient } from './types.ts'
import type { MizanRealtime, UntypedRealtime } from './ws/realtime-types.ts'

export { WsConnection } from './ws/connection.ts'
export { webSocketTransport } from './ws/socket-client.ts'
export { canonicalParams, errorFromFrame } from './ws/frames.ts'
export type {
  ChannelFrame,
  ChannelHandlers,
  ChannelParamsArgs,
  ChannelStatus,
  ChannelSubscription,
  ConnectionStatus,
  MizanRealtime,
  SocketLink,
  UntypedRealtime,
  WsConnectionHandle,
} from './ws/realtime-types.ts'
export type { WebSocketClientOptions, WebSocketConstructor, WebSocketLike, WsConnectionOptions } from './ws/socket-options.ts'
export type { WatchOptions } from './ws/live-watches.ts'
export type { SocketConnector } from './types.ts'

/**
 * The channel, watch and connection methods of a kernel made by `createMizanClient` with the
 * socket transport plugged in, typed from its router: `realtimeOf(client).channel('chat', { room }, { onMessage })`.
 */
export function realtimeOf(client: UntypedMizanClient): UntypedRealtime
export function realtimeOf<R extends AnyRouter>(client: MizanClient<R>): MizanRealtime<R>
export function realtimeOf(client: object): unknown {
  const { socket, wireName } = client as Partial<UntypedMizanClient>
  if (!socket || !wireName) {
    throw new TypeError("Mizan: this client has no WebSocket transport; make it with createMizanClient({ websocket: { connect: webSocketTransport } })")
  }
  const realtime: UntypedRealtime = {
    channel: (key, params, handlers) => socket.channel(wireName(key), params, handlers),
    watch: (context, params, options) => socket.watch(context, params, options),
    onInvalidate: (listener) => socket.onInvalidate(listener),
    connection: socket.connection,
  }
  return realtime
}
