import type { AnySchema, ChannelMarker, SchemaArg, SchemaInput, SchemaOutput } from '../../shared/types.ts'
import type { MizanUser, RequestContext } from '../defineClient.ts'

/** The message schema clients send: `clientMessage` when given, else `message`. */
type ClientSchema<TMessage, TClient> = TClient extends SchemaArg ? TClient : TMessage

export interface DefineChannelOptions<TUser extends MizanUser, TParams, TMessage, TClient, TCtx extends object = {}> {
  /** Wire name; default: the router key in snake_case. */
  name?: string
  /** Schema of the subscription params (`{ room }`); none means the channel takes no params. */
  params?: TParams
  /** Schema of what subscribers receive (the reference's `ServerMessage`). */
  message: TMessage
  /** Schema of what clients may send (the reference's `ClientMessage`); default: `message`. */
  clientMessage?: TClient
  /** Checked on every subscribe and every client message; `false` answers "Not authorized". Default: allow. */
  authorize?: (params: SchemaOutput<TParams>, ctx: RequestContext<TUser> & TCtx) => boolean | Promise<boolean>
  /** The broadcast group of a subscription. Default: one group per channel and params. */
  group?: (params: SchemaOutput<TParams>) => string
  /**
   * A client sent a message: return what every subscriber of the group receives (validated
   * against `message`), or nothing to drop it. Without `onMessage`, clients cannot send:
   * only the server publishes (`hub.publish`).
   */
  onMessage?: (
    message: SchemaOutput<ClientSchema<TMessage, TClient>>,
    params: SchemaOutput<TParams>,
    ctx: RequestContext<TUser> & TCtx,
  ) => SchemaInput<TMessage> | null | undefined | void | Promise<SchemaInput<TMessage> | null | undefined | void>
  /** `type` of broadcast frames; default `'ServerMessage'`, the reference's class name. */
  type?: string
}

/** Options after normalization, as the WebSocket adapter and the hub read them. */
export interface NormalizedChannelOptions {
  params: AnySchema | undefined
  message: AnySchema
  clientMessage: AnySchema | undefined
  authorize: ((params: unknown, ctx: RequestContext<MizanUser>) => boolean | Promise<boolean>) | undefined
  group: ((params: unknown) => string) | undefined
  onMessage: ((message: unknown, params: unknown, ctx: RequestContext<MizanUser>) => unknown) | undefined
  type: string
}

export interface ChannelDefinition<TParams = unknown, TMessage = unknown, TClientMessage = unknown>
  extends ChannelMarker<{ params: TParams; message: TMessage; clientMessage: TClientMessage }> {
  /** The wire name, once known (set by `name` or by `createRouter` from the key). */
  readonly name: string | undefined
  readonly options: NormalizedChannelOptions
}

export type AnyChannelDefinition = ChannelDefinition<unknown, unknown, unknown>

/** What `publish` takes for a channel: its params and its (server) message. */
export type PublishParams<C> = C extends ChannelDefinition<infer P, unknown, unknown> ? P : never
export type PublishMessage<C> = C extends ChannelDefinition<unknown, infer M, unknown> ? M : never

/** Builds `defineChannel` for an app's own user type. */
export function createDefineChannel<TUser extends MizanUser, TCtx extends object = {}>() {
  return function defineChannel<
    TMessage extends SchemaArg,
    TParams extends SchemaArg | undefined = undefined,
    TClient extends SchemaArg | undefined = undefined,
  >(
    options: DefineChannelOptions<TUser, TParams, TMessage, TClient, TCtx>,
  ): ChannelDefinition<SchemaInput<TParams>, SchemaOutput<TMessage>, SchemaInput<ClientSchema<TMessage, TClient>>> {
    if (!options.message) throw new TypeError('defineChannel: `message` (the schema subscribers receive) is required')
    let channelName = options.name
    const normalized: NormalizedChannelOptions = {
      params: options.params as AnySchema | undefined,
      message: options.message as unknown as AnySchema,
      clientMessage: options.clientMessage as AnySchema | undefined,
      authorize: options.authorize as NormalizedChannelOptions['authorize'],
      group: options.group as NormalizedChannelOptions['group'],
      onMessage: options.onMessage as NormalizedChannelOptions['onMessage'],
      type: options.type ?? 'ServerMessage',
    }
    const definition = {
      '~mizan': 'channel' as const,
      '~types': undefined as never,
      get name() {
        return channelName
      },
      options: normalized,
      /** Called by createRouter once the router key fixes the name. */
      bindName(name: string) {
        channelName ??= name
      },
    }
    return definition as ChannelDefinition<SchemaInput<TParams>, SchemaOutput<TMessage>, SchemaInput<ClientSchema<TMessage, TClient>>>
  }
}

/** `defineChannel` for the default user shape; `createDefineChannel<User>()` for your own. */
export const defineChannel = createDefineChannel<MizanUser>()

/** Whether a router entry is a channel. */
export function isChannel(value: unknown): value is AnyChannelDefinition & { bindName(name: string): void } {
  return typeof value === 'object' && value !== null && (value as { '~mizan'?: unknown })['~mizan'] === 'channel'
}

/** A channel as the router registers it. */
export interface RegisteredChannel {
  key: string
  name: string
  def: AnyChannelDefinition
}
