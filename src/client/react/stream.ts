/**
 * `mizan-ts/react/stream`: a streaming function (`async function*` on the server) as live
 * state, over server-sent events — no WebSocket server needed:
 *
 * ```tsx
 * const { useStream } = createStreamHooks<AppRouter>()
 * const { data, status } = useStream('counter', { to: 100 }, { onData: (n) => log(n) })
 * ```
 *
 * `data` is the latest item; the connection reconnects after a drop, resuming after the last
 * event id (`Last-Event-ID`), and closes when the component unmounts or the input changes.
 */
import { useEffect, useRef, useState } from 'react'
import type { MizanError } from '../../shared/errors.ts'
import type { StreamItemOf, StreamKey } from '../../shared/stream-types.ts'
import type { AnyRouter, CallArgs, InputOf } from '../../shared/types.ts'
import { subscribeStream, type StreamStatus } from '../stream-subscription.ts'
import { useRuntime } from './runtime.ts'

export type { StreamStatus } from '../stream-subscription.ts'

export interface StreamState<T> {
  /** The latest item, `undefined` until the first arrives. */
  data: T | undefined
  status: StreamStatus
  error: MizanError | undefined
}

export interface UseStreamOptions<T> {
  /** Every item, in order (`data` only keeps the latest). */
  onData?(item: T): void
  /** `false` keeps it closed (default `true`). */
  enabled?: boolean
}

type StreamHookArgs<TInput, T> = CallArgs<TInput> extends [input: infer I] ? [input: I, options?: UseStreamOptions<T>] : [input?: CallArgs<TInput>[0], options?: UseStreamOptions<T>]

export interface StreamHooks<R extends AnyRouter> {
  useStream<K extends keyof R['defs'] & string>(key: K & StreamKey<R, K>, ...args: StreamHookArgs<InputOf<R, K>, StreamItemOf<R, K>>): StreamState<StreamItemOf<R, K>>
}

function useStream(key: string, input?: unknown, options: UseStreamOptions<unknown> = {}): StreamState<unknown> {
  const { client } = useRuntime('useStream')
  const [state, setState] = useState<StreamState<unknown>>({ data: undefined, status: 'connecting', error: undefined })
  const onData = useRef(options.onData)
  onData.current = options.onData
  const inputKey = JSON.stringify(input ?? null)
  const enabled = options.enabled ?? true
  useEffect(() => {
    if (!enabled) return
    setState({ data: undefined, status: 'connecting', error: undefined })
    const subscription = subscribeStream(client, key, JSON.parse(inputKey) ?? undefined, {
      onData: (item) => {
        onData.current?.(item)
        setState((s) => ({ ...s, data: item }))
      },
      onStatus: (status) => setState((s) => ({ ...s, status })),
      onError: (error) => setState((s) => ({ ...s, status: 'error', error })),
    })
    return () => subscription.close()
  }, [client, key, inputKey, enabled])
  return state
}

/** `useStream`, typed by the router: keys that stream, their input, their item type. */
export function createStreamHooks<R extends AnyRouter>(): StreamHooks<R> {
  return { useStream } as unknown as StreamHooks<R>
}
