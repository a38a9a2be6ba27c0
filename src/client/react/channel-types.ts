import type { AnyRouter, ChannelClientMessageOf, ChannelKeys, ChannelMessageOf, ChannelParamsOf } from '../../shared/types.ts'
import type { LiveInvalidationOptions } from './live-refetch.ts'
import type { ChannelFrame, ChannelParamsArgs, ChannelStatus, ConnectionStatus } from '../ws-transport.ts'

export interface ChannelHookOptions {
  /** How many recent messages `messages` keeps (default 100). */
  keep?: number
  /** `false` unsubscribes (and subscribes again when it turns `true`). Default `true`. */
  enabled?: boolean
  /** Called for every message, e.g. to append to your own store. */
  onMessage?: (message: unknown, frame: ChannelFrame) => void
}

/** What `use<Name>Channel(params)` returns. */
export interface ChannelState<TMessage, TSend> {
  /** The latest messages, oldest first (at most `keep`); reset when params change. */
  messages: TMessage[]
  last: TMessage | undefined
  /** Send on the channel (server-side `onMessage` decides what the group receives). */
  send: (message: TSend) => void
  status: ChannelStatus
  /** Why the server refused the subscription or the last message (`Not authorized`, `Invalid message: …`). */
  error: string | null
}

type HookArgs<TParams> = ChannelParamsArgs<TParams> extends [params: infer P]
  ? [params: P, options?: ChannelHookOptions]
  : ChannelParamsArgs<TParams> extends [params?: infer P]
    ? [params?: P, options?: ChannelHookOptions]
    : never

export type ChannelHooks<R extends AnyRouter> = {
  [K in ChannelKeys<R> as `use${Capitalize<K>}Channel`]: (
    ...args: HookArgs<ChannelParamsOf<R, K>>
  ) => ChannelState<ChannelMessageOf<R, K>, ChannelClientMessageOf<R, K>>
}

/** Hooks of the realtime layer; typed on every handle, provided by the `channels` and `live` plug-ins. */
export interface RealtimeHooks {
  /**
   * Keep the server told which context bundles this client holds, and refetch those a
   * mutation anywhere invalidates (the server must enable `liveInvalidation`). The `live`
   * plug-in (`mizan-ts/react/live`) provides it and mounts it under every `<MizanContext>`.
   */
  useLiveInvalidation(enabled?: boolean, options?: LiveInvalidationOptions): void
  /** The shared socket's status (the `channels` or `live` plug-in). */
  useConnectionStatus(): ConnectionStatus
}
