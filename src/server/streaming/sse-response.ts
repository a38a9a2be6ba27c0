/**
 * A streamed result as `text/event-stream` (PROTOCOL.md §16): one `data:` event per item (with
 * `id:` when the item is tracked), then `event: done` carrying the call's invalidate entries, or
 * `event: error` carrying the error envelope. Comments keep buffering proxies and idle timers
 * from holding or dropping a quiet stream.
 */
import type { MizanError } from '../../shared/errors.ts'
import { envelopeOf } from '../http-parts.ts'
import type { StreamItems } from './stream-source.ts'

export interface SseOptions {
  /** A comment line after this long without an item (default 15 s). */
  heartbeatMs?: number
  /** The `done` event's payload: `{"invalidate"?: [...]}`. */
  final: Record<string, unknown>
  /** Run once the stream ended, whichever way (the origin-cache purge and live notice of a mutation). */
  settle?: () => void
  headers?: Record<string, string>
  /** The dispatcher's `formatError`: what the client sees of a failure in the middle of the stream. */
  formatError?: (error: MizanError) => MizanError
}

const encoder = new TextEncoder()
const TURN = Symbol('turn')
/** Past this much text, a chunk leaves without waiting for the turn to end. */
const CHUNK_CHARS = 16 * 1024

export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: proxies must not gzip (and so buffer) the stream; nginx reads X-Accel-Buffering.
  'Cache-Control': 'no-store, no-transform',
  'X-Accel-Buffering': 'no',
}

export function sseEvent(data: string, id?: string, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}${id !== undefined ? `id: ${id.replace(/[\r\n]/g, '')}\n` : ''}data: ${data}\n\n`
}

/** A pull-driven stream: the generator is asked for its next item only when the reader took the last. */
export function sseResponse(items: StreamItems, options: SseOptions): Response {
  const heartbeatMs = options.heartbeatMs ?? 15_000
  const format = options.formatError ?? ((error: MizanError) => error)
  let ended = false
  let quiet = false
  let pending: ReturnType<StreamItems['next']> | undefined
  let beat: ReturnType<typeof setInterval> | undefined
  const end = () => {
    if (ended) return
    ended = true
    clearInterval(beat)
    options.settle?.()
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // The first bytes out: headers and a comment reach the client before the first item.
        controller.enqueue(encoder.encode(': stream\n\n'))
        // One timer for the stream, not one per item: a comment when a whole period went by without one.
        beat = setInterval(() => {
          if (quiet && !ended) controller.enqueue(encoder.encode(': ping\n\n'))
          quiet = true
        }, heartbeatMs)
        beat.unref?.()
      },
      async pull(controller) {
        // Items the generator has ready in this turn of the event loop leave as one chunk (one
        // write); the first one not ready by the next turn waits for the next pull.
        let text = ''
        let turnOver = false
        const turn = new Promise<typeof TURN>((resolve) => setImmediate(() => ((turnOver = true), resolve(TURN))))
        try {
          for (;;) {
            const next = (pending ??= items.next())
            const step = text ? await Promise.race([next, turn]) : await next
            if (step === TURN) break
            pending = undefined
            quiet = false
            if (ended) return
            if (step.done) {
              controller.enqueue(encoder.encode(text + sseEvent(JSON.stringify(options.final), undefined, 'done')))
              controller.close()
              end()
              return
            }
            text += sseEvent(step.json, step.id)
            if (turnOver || text.length >= CHUNK_CHARS) break
          }
          controller.enqueue(encoder.encode(text))
        } catch (error) {
          pending = undefined
          if (ended) return
          controller.enqueue(encoder.encode(text + sseEvent(JSON.stringify(envelopeOf(format(error as MizanError))), undefined, 'error')))
          controller.close()
          end()
        }
      },
      cancel() {
        end()
        return items.close()
      },
    },
    { highWaterMark: 1 },
  )
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } })
}
