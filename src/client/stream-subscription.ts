/**
 * A subscription to a streaming function over server-sent events: the items as they come, a
 * status, and reconnection after a dropped connection, resuming after the last event id seen
 * (`Last-Event-ID`; the generator decides what resuming means). An error the server answered
 * (an envelope) ends it; a network failure is retried with backoff.
 */
import type { MizanError } from '../shared/errors.ts'
import { streamCall } from './stream-call.ts'
import { CALL_ROUTE } from '../shared/protocol.ts'
import type { UntypedMizanClient } from './types.ts'

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'done' | 'error' | 'closed'

export interface SubscribeHandlers<T> {
  onData(item: T): void
  onStatus?(status: StreamStatus): void
  onError?(error: MizanError): void
  /** First wait before reconnecting, doubled per failed attempt up to 30 s (default 500 ms). */
  retryDelayMs?: number
}

export interface StreamSubscription {
  readonly status: StreamStatus
  /** The last event id seen, which a reconnect resumes after. */
  readonly lastEventId: string | undefined
  close(): void
}

const isNetwork = (error: unknown) => (error as { code?: unknown })?.code === 'NETWORK_ERROR'

export function subscribeStream<T>(client: UntypedMizanClient, key: string, input: unknown, handlers: SubscribeHandlers<T>): StreamSubscription {
  const controller = new AbortController()
  let status: StreamStatus = 'connecting'
  let lastEventId: string | undefined
  const set = (next: StreamStatus) => {
    if (status === next || status === 'closed') return
    status = next
    handlers.onStatus?.(next)
  }
  const body = JSON.stringify({ fn: client.wireName(key), args: input ?? {} })
  const run = async () => {
    let delay = handlers.retryDelayMs ?? 500
    for (;;) {
      try {
        const items = streamCall((path, headers, init, signal) => client.request(path, headers, init, signal), CALL_ROUTE, body, {
          signal: controller.signal,
          lastEventId,
          onEventId: (id) => (lastEventId = id),
        })
        let first = true
        for await (const item of items) {
          if (first) {
            first = false
            set('open')
            delay = handlers.retryDelayMs ?? 500
          }
          handlers.onData(item as T)
        }
        return set('done')
      } catch (error) {
        if (controller.signal.aborted) return
        if (!isNetwork(error)) {
          set('error')
          return handlers.onError?.(error as MizanError)
        }
        set('reconnecting')
        await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)))
        delay = Math.min(delay * 2, 30_000)
        if (controller.signal.aborted) return
      }
    }
  }
  void run()
  return {
    get status() {
      return status
    },
    get lastEventId() {
      return lastEventId
    },
    close() {
      set('closed')
      controller.abort()
    },
  }
}
