/**
 * `mizan-ts/client/stream`: reading streaming functions (`async function*` on the server), opt-in
 * so that apps that never stream do not carry it:
 *
 * ```ts
 * import { stream } from 'mizan-ts/client/stream'
 * for await (const tick of stream(client, 'ticks', { n: 3 })) console.log(tick)
 * ```
 *
 * Items arrive as server-sent events (PROTOCOL.md §16); leaving the loop, or aborting the
 * signal, stops the generator on the server.
 */
import { CALL_ROUTE } from '../shared/protocol.ts'
import type { StreamItemOf, StreamKey } from '../shared/stream-types.ts'
import type { AnyRouter, CallArgs, InputOf } from '../shared/types.ts'
import { streamCall, type StreamOptions } from './stream-call.ts'
import type { MizanClient, UntypedMizanClient } from './types.ts'

export type { StreamOptions } from './stream-call.ts'
export type { StreamItemOf, StreamKey, Tracked } from '../shared/stream-types.ts'
export { readSse, type SseEvent } from './sse-reader.ts'

/** `CallArgs` plus the stream options. */
export type StreamParameters<TInput> =
  CallArgs<TInput> extends [input: infer I] ? [input: I, options?: StreamOptions] : CallArgs<TInput> extends [input?: infer I] ? [input?: I, options?: StreamOptions] : never

/** A streaming function's items as they come, typed by what its generator yields (or its output schema). */
export function stream<R extends AnyRouter, K extends keyof R['defs'] & string>(
  client: MizanClient<R>,
  key: K & StreamKey<R, K>,
  ...args: StreamParameters<InputOf<R, K>>
): AsyncIterable<StreamItemOf<R, K>>
export function stream(client: UntypedMizanClient, key: string, input?: unknown, options?: StreamOptions): AsyncIterable<unknown>
export function stream(client: object, key: string, input?: unknown, options?: StreamOptions): AsyncIterable<unknown> {
  const kernel = client as UntypedMizanClient
  const body = JSON.stringify({ fn: kernel.wireName(key), args: input ?? {} })
  return streamCall((path, headers, init, signal) => kernel.request(path, headers, init, signal), CALL_ROUTE, body, options)
}

export { subscribeStream, type StreamStatus, type StreamSubscription, type SubscribeHandlers } from './stream-subscription.ts'
