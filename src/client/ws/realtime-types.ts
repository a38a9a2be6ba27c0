/** The realtime API as its users see it: connection and subscription statuses, channel handles, typed methods. */
import type { InvalidateEntry, WsChannelFrame } from '../../shared/protocol.ts'
import type { WatchOptions } from './live-watches.ts'
import type { AnyRouter, CallArgs, ChannelClientMessageOf, ChannelKeys, ChannelMessageOf, ChannelParamsOf } from '../../shared/types.ts'

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

/** A subscription as its owner sees it: `'error'` when the server refused it (the error says why). */
export type ChannelStatus = 'connecting' | 'open' | 'reconnecting' | 'error' | 'closed'

/** A channel broadcast frame: `{"channel","params","type","data"}`. */
export type ChannelFrame<TMessage = unknown> = WsChannelFrame<TMessage>

export interface ChannelHandlers<TMessage = unknown> {
  onMessage(message: TMessage, frame: ChannelFrame<TMessage>): void
  onStatus?(status: ChannelStatus): void
  /** The server refused the subscription, or a message sent on it (`Not authorized`, `Invalid message: …`). */
  onError?(error: string): void
}

export interface ChannelSubscription<TSend = unknown> {
  readonly status: ChannelStatus
  /** Broadcast to the channel's group (through the channel's `onMessage` on the server). Queued while reconnecting. */
  send(message: TSend): void
  /** Move to other params: unsubscribes the old ones; a reconnect re-subscribes these. */
  update(params: unknown): void
  close(): void
}

/** Channel and live-invalidation methods the kernel gains, typed from the router. */
export interface MizanRealtime<R extends AnyRouter> {
  /** Subscribe to a channel: `client.channel('chat', { room }, { onMessage })`. */
  channel<K extends ChannelKeys<R>>(
    key: K,
    params: ChannelParamsOf<R, K> | undefined,
    handlers: ChannelHandlers<ChannelMessageOf<R, K>>,
  ): ChannelSubscription<ChannelClientMessageOf<R, K>>
  /**
   * Ask the server to tell this client when context `name` with `params` is invalidated (opt-in on the server).
   * `since`: when you read the bundle you hold (`Date.now()` before the read); a change after it and before the watch is announced too.
   */
  watch(context: string, params?: Record<string, unknown>, options?: WatchOptions): () => void
  /** Invalidation frames pushed by the server for watched contexts. */
  onInvalidate(listener: (entries: InvalidateEntry[]) => void): () => void
  /** The shared socket: its status, `reconnect()` after the identity changes, and `close()` to shut it for good. */
  readonly connection: WsConnectionHandle
}

export interface WsConnectionHandle {
  readonly status: ConnectionStatus
  onStatus(listener: (status: ConnectionStatus) => void): () => void
  /** Close for good: pending requests fail, no reconnect. */
  close(): void
  /**
   * Open a new socket now, with the current cookies and token: the way to carry a sign-in or
   * sign-out to the socket, which is authenticated once, at its handshake. Subscriptions and
   * watches resume on the new socket and reads are sent again; calls that were on the wire fail
   * (they may have run). Does nothing after `close()`.
   */
  reconnect(): void
}

/** The same methods without router types, for the React layer. */
export interface UntypedRealtime {
  channel(key: string, params: unknown, handlers: ChannelHandlers): ChannelSubscription
  watch(context: string, params?: Record<string, unknown>, options?: WatchOptions): () => void
  onInvalidate(listener: (entries: InvalidateEntry[]) => void): () => void
  readonly connection: WsConnectionHandle
}

/** `[params?]` when a channel takes none or all are optional. */
export type ChannelParamsArgs<TParams> = CallArgs<TParams>

/** The socket as a client carries it (`client.socket`): the realtime methods, channels by wire name. */
export interface SocketLink extends UntypedRealtime {
  /** Send `{action: 'rpc' | 'ctx', …}` and resolve with the `ok` reply; reads survive a reconnect, calls fail instead. */
  request(frame: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>>
}
