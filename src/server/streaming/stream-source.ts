/**
 * What counts as a streamed result, and how one is read item by item: an async generator (or
 * any async iterable, a `ReadableStream` included) a handler returned. Items leave as JSON; a
 * `tracked(id, item)` gives one an event id a reconnecting client resumes from.
 */
import { MizanError } from '../../shared/errors.ts'
import type { Tracked } from '../../shared/stream-types.ts'
import type { ErrorReporter } from '../execute.ts'
import type { RegisteredFunction } from '../router.ts'
import { validateMaybeSync } from '../schema.ts'

export type { Tracked } from '../../shared/stream-types.ts'

const TRACKED = '~tracked'

/** An item with the event id a client sends back as `Last-Event-ID` when it reconnects. */
export function tracked<T>(id: string | number, data: T): Tracked<T> {
  return { [TRACKED]: true, id: String(id), data } as Tracked<T>
}

function isTracked(value: unknown): value is Tracked<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[TRACKED] === true
}

/** `async function*` handlers are known to stream when they are defined; others only when they return. */
export function isAsyncGeneratorFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncGeneratorFunction'
}

/** A result that streams: anything async-iterable but a plain value (a Response or a Blob is a single answer). */
export function isStreamSource(value: unknown): value is AsyncIterable<unknown> {
  if (typeof value !== 'object' || value === null) return false
  const made: unknown = (value as { constructor?: unknown }).constructor
  if (made === Object || made === Array) return false
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
}

/** The `Last-Event-ID` a reconnecting client sent, for a generator that can resume after it. */
export function lastEventIdOf(ctx: { headers: Headers }): string | undefined {
  return ctx.headers.get('last-event-id') ?? undefined
}

export type StreamStep = { done: true } | { done: false; json: string; id: string | undefined }

/**
 * One streamed result, pulled an item at a time so a slow reader slows the generator (nothing is
 * buffered ahead). Items are checked against the output schema when there is one; a failure
 * leaves as a `MizanError`, user errors reported and masked as on a single call.
 */
export class StreamItems {
  private readonly iterator: AsyncIterator<unknown>
  private closed = false

  constructor(
    source: AsyncIterable<unknown>,
    private readonly reg: RegisteredFunction,
    private readonly report: ErrorReporter,
  ) {
    this.iterator = source[Symbol.asyncIterator]()
  }

  async next(): Promise<StreamStep> {
    let step: IteratorResult<unknown>
    try {
      step = await this.iterator.next()
    } catch (error) {
      this.closed = true
      throw this.failure(error)
    }
    if (step.done) {
      this.closed = true
      return { done: true }
    }
    let value = step.value
    let id: string | undefined
    if (isTracked(value)) {
      id = value.id
      value = value.data
    }
    return { done: false, json: JSON.stringify(await this.checked(value)) ?? 'null', id }
  }

  private async checked(value: unknown): Promise<unknown> {
    const schema = this.reg.fn.options.output
    if (!schema) return value
    const outcome = await validateMaybeSync(schema, value)
    if (outcome.ok) return outcome.value
    const bug = new Error(`an item streamed by '${this.reg.wireName}' does not match its output schema: ${JSON.stringify(outcome.fields)}`)
    this.report(bug, { fn: this.reg.wireName })
    void this.close()
    throw new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: bug })
  }

  private failure(error: unknown): MizanError {
    if (error instanceof MizanError) return error
    this.report(error, { fn: this.reg.wireName })
    return new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: error })
  }

  /**
   * Stop the generator: its `finally` runs at once when it waits at a `yield`; one awaiting
   * something else is woken by the request's signal, which the transports abort first.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    const done = this.iterator.return?.()
    return Promise.resolve(done).then(
      () => {},
      (error: unknown) => void this.failure(error),
    )
  }
}

/** The refusal a caller gets when it did not ask for a stream (a plain client, a Python peer). */
export function notAStreamReader(reg: RegisteredFunction, how: 'http' | 'ws'): MizanError {
  const ask = how === 'http' ? 'send Accept: text/event-stream' : 'send the rpc frame with "stream": true'
  return new MizanError('BAD_REQUEST', `Function '${reg.wireName}' streams its result; ${ask} to read it`, { status: 406 })
}
