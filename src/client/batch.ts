/**
 * `mizan-ts/client/batch`: the calls and context reads an app makes in one tick go out as one
 * `POST {baseUrl}/batch/` (PROTOCOL.md §16), when the server says it speaks it
 * (`X-Mizan-Features: batch` on its `session/` answer). Against a server that does not (a Python
 * backend), each goes out alone, exactly as without this module.
 *
 * ```ts
 * const client = batched(createMizanClient<AppRouter>({ baseUrl }))
 * ```
 *
 * Items come back one by one: each call resolves with its own result and invalidate/merge
 * entries, or rejects with its own error. Plain JSON only: a client with a transformer should
 * not be batched (its calls would lose their metadata).
 */
import { MizanError } from '../shared/errors.ts'
import { BATCH_ROUTE, FEATURES_HEADER } from '../shared/extensions.ts'
import { SESSION_ROUTE, type InvalidateEntry, type MergeEntry } from '../shared/protocol.ts'
import type { AnyRouter } from '../shared/types.ts'
import { abortedError, errorFromBody, invalidResponse } from './errors.ts'
import { isRecord, sortedParams } from './params.ts'
import type { CallOptions, CallOutcome, ContextOptions, MizanClient, UntypedMizanClient, WireBundle } from './types.ts'

export interface BatchOptions {
  /** Most items in one request (default 64; the server's default limit is 100). */
  maxItems?: number
}

interface Queued {
  item: Record<string, unknown>
  signal: AbortSignal | undefined
  resolve(value: unknown): void
  reject(error: unknown): void
  /** Sends the item alone, as the unbatched client would (a Python backend, a batch that failed to send). */
  alone(): Promise<unknown>
  read(answer: Record<string, unknown>): unknown
}

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : [])

/** The client, with its calls and context reads of one tick coalesced into one request. */
export function batched<R extends AnyRouter>(client: MizanClient<R>, options?: BatchOptions): MizanClient<R>
export function batched(client: UntypedMizanClient, options?: BatchOptions): UntypedMizanClient
export function batched(client: object, options: BatchOptions = {}): unknown {
  const inner = client as UntypedMizanClient
  const maxItems = options.maxItems ?? 64
  let queue: Queued[] = []
  let supported: Promise<boolean> | undefined

  /** Asked once: the answer also sets the CSRF cookie the batch POST needs. */
  function serverBatches(): Promise<boolean> {
    return (supported ??= inner.request(SESSION_ROUTE, []).then(
      async (res) => {
        await res.body?.cancel()
        return (res.headers.get(FEATURES_HEADER) ?? '').split(',').some((f) => f.trim() === 'batch')
      },
      () => ((supported = undefined), false),
    ))
  }

  function enqueue(entry: Omit<Queued, 'resolve' | 'reject'>): Promise<unknown> {
    if (entry.signal?.aborted) return Promise.reject(abortedError(entry.signal.reason))
    return new Promise((resolve, reject) => {
      if (queue.length === 0) setTimeout(flush, 0)
      queue.push({ ...entry, resolve, reject })
    })
  }

  async function flush(): Promise<void> {
    const taken = queue.filter((q) => !(q.signal?.aborted && (q.reject(abortedError(q.signal.reason)), true)))
    queue = []
    if (taken.length === 0) return
    if (taken.length === 1 || !(await serverBatches())) {
      for (const q of taken) q.alone().then(q.resolve, q.reject)
      return
    }
    for (let at = 0; at < taken.length; at += maxItems) void send(taken.slice(at, at + maxItems))
  }

  async function send(items: Queued[]): Promise<void> {
    let answers: unknown[]
    try {
      const res = await inner.request(BATCH_ROUTE, [{ 'Content-Type': 'application/json' }], JSON.stringify({ batch: items.map((q) => q.item) }))
      const text = await res.text()
      if (!res.ok) throw errorFromBody(res.status, res.statusText, text)
      const body = JSON.parse(text) as unknown
      answers = isRecord(body) ? list(body['batch']) : []
      if (answers.length !== items.length) throw invalidResponse(res.status, 'Batch answer does not match its request')
    } catch (error) {
      // A context read is safe to send again alone; a call may have run, so it fails.
      for (const q of items) {
        if (q.item['context'] !== undefined) q.alone().then(q.resolve, q.reject)
        else q.reject(error instanceof MizanError ? error : invalidResponse(0, 'Unreadable batch answer', error))
      }
      return
    }
    items.forEach((q, i) => {
      const answer = answers[i]
      if (!isRecord(answer)) return q.reject(invalidResponse(200, 'Batch item answer is not an object'))
      if (answer['error'] === true) {
        const { code, message, details, status } = answer
        return q.reject(new MizanError(String(code) as never, String(message ?? ''), { status: Number(status) || 400, details: isRecord(details) ? details : undefined }))
      }
      try {
        q.resolve(q.read(answer))
      } catch (error) {
        q.reject(error)
      }
    })
  }

  const call = (key: string, input?: unknown, callOptions: CallOptions = {}): Promise<CallOutcome<unknown>> => {
    // Own headers make a call its own request.
    if (callOptions.headers) return inner.call(key, input, callOptions)
    return enqueue({
      item: { fn: inner.wireName(key), args: input ?? {} },
      signal: callOptions.signal,
      alone: () => inner.call(key, input, callOptions),
      read: (answer): CallOutcome<unknown> => ({ result: answer['result'], invalidate: list<InvalidateEntry>(answer['invalidate']), merge: list<MergeEntry>(answer['merge']) }),
    }) as Promise<CallOutcome<unknown>>
  }

  const context = (name: string, params?: Record<string, unknown>, contextOptions: ContextOptions = {}): Promise<WireBundle> =>
    enqueue({
      item: { context: name, params: sortedParams(params) },
      signal: contextOptions.signal,
      alone: () => inner.context(name, params, contextOptions),
      read: (answer) => {
        if (!isRecord(answer['result'])) throw invalidResponse(200, `Context '${name}' did not answer with an object`)
        return answer['result']
      },
    }) as Promise<WireBundle>

  const wrapped: UntypedMizanClient = { ...inner, call, context }
  return wrapped
}
