/**
 * A channel read as a stream (PROTOCOL.md §16), for apps with no WebSocket server (serverless):
 * a streaming function that subscribes to a channel's group on the hub and yields what its
 * subscribers receive. Params are parsed and `authorize` runs as for a socket subscription.
 *
 * ```ts
 * chatFeed: defineClient({ input: z.object({ room: z.string() }) }, (params, ctx) => channelFeed(hub, chat, params, ctx))
 * ```
 */
import { MizanError } from '../../shared/errors.ts'
import type { MizanUser, RequestContext } from '../defineClient.ts'
import type { AnyChannelDefinition } from './define-channel.ts'
import { parseWith, type ChannelHub } from './hub.ts'

export interface ChannelFeedOptions {
  /** Messages held for a reader that does not keep up; past it the feed ends with an error (default 1,000). */
  maxQueued?: number
}

/** The messages of `channel`'s group for `params`, as they are published, until the reader leaves. */
export async function* channelFeed(hub: ChannelHub, channel: AnyChannelDefinition, params: unknown, ctx: RequestContext<MizanUser>, options: ChannelFeedOptions = {}): AsyncGenerator<unknown> {
  const name = channel.name
  if (!name) throw new MizanError('BAD_REQUEST', 'channelFeed: the channel has no name yet; register it in a router first')
  const parsed = await parseWith(channel.options.params, params ?? {})
  if (!parsed.ok) throw new MizanError('VALIDATION_ERROR', `Invalid params: ${parsed.text}`)
  const allowed = channel.options.authorize ? await channel.options.authorize(parsed.value, ctx) : true
  if (!allowed) throw new MizanError('FORBIDDEN', 'Not authorized')
  const maxQueued = options.maxQueued ?? 1_000
  const queue: unknown[] = []
  let wake: (() => void) | undefined
  let overflow = false
  const listener = (frame: string) => {
    if (queue.length >= maxQueued) overflow = true
    else queue.push((JSON.parse(frame) as { data: unknown }).data)
    wake?.()
  }
  const group = hub.groupOf(channel, name, parsed.value)
  await hub.join(group, listener)
  const stopped = new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }))
  try {
    for (;;) {
      while (queue.length) yield queue.shift()
      if (overflow) throw new MizanError('BAD_REQUEST', `Channel feed fell more than ${maxQueued} messages behind`)
      if (ctx.signal.aborted) return
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped])
      wake = undefined
    }
  } finally {
    await hub.leave(group, listener)
  }
}
