/**
 * Middleware: `(opts, next) => result`, run around a server function's handler on every path
 * that runs one (HTTP, WebSocket, SSR prefetch, the in-process caller). A middleware reads the
 * context, may extend it for the middleware after it and the handler (`next({ ctx })`), may
 * short-circuit by throwing a `MizanError`, and may wrap the call (timing, transactions): `next`
 * resolves to the outcome of the rest of the chain, success or failure, and never rejects.
 */
import type { MizanError } from '../shared/errors.ts'

/** What the rest of the chain came to. `~ctx` is phantom: the context extension it was given. */
export type MiddlewareResult<TExt extends object = {}> = (
  | { readonly ok: true; readonly data: unknown }
  | { readonly ok: false; readonly error: MizanError }
) & { readonly '~ctx'?: TExt }

/** Runs the rest of the chain; with `{ ctx }`, everything after sees those keys added to the context. */
export interface MiddlewareNext {
  (): Promise<MiddlewareResult<{}>>
  <TExt extends object>(opts: { ctx: TExt }): Promise<MiddlewareResult<TExt>>
}

/** What a middleware is told about the call. */
export interface MiddlewareOptions<TCtx> {
  ctx: TCtx
  /** Wire name of the function (`get_user`). */
  fn: string
  /** Router key of the function (`getUser`). */
  key: string
  /** `'query'` for a context member (read), `'call'` for a plain function or mutation. */
  type: 'query' | 'call'
  /** The arguments as sent, before the input schema parsed them. */
  rawInput: unknown
}

/**
 * A middleware for handlers whose context includes `TCtx`; `TExt` is what it adds. Write the
 * result type out (or let `.use()` infer it): `next({ ctx: { startedAt } })` adds `startedAt`.
 */
export type Middleware<TCtx, TExt extends object = {}> = (
  opts: MiddlewareOptions<TCtx>,
  next: MiddlewareNext,
) => Promise<MiddlewareResult<TExt>> | MiddlewareResult<TExt>

/** A middleware as the runtime holds it, its types erased. */
export type AnyMiddleware = (opts: MiddlewareOptions<never>, next: MiddlewareNext) => unknown

/**
 * `base` plus `ext`, without copying `base`: a context object may compute `signal` and
 * `responseHeaders` lazily, so those two stay the base's own (a handler that sets a cookie on
 * the extended context sets it on the request's).
 */
export function extendContext(base: object, ext: object): object {
  const out = Object.create(base, {
    signal: { get: () => (base as { signal: unknown }).signal, configurable: true, enumerable: true },
    responseHeaders: {
      get: () => (base as { responseHeaders: unknown }).responseHeaders,
      set: (value: unknown) => void ((base as { responseHeaders: unknown }).responseHeaders = value),
      configurable: true,
      enumerable: true,
    },
  }) as Record<string, unknown>
  for (const key of Object.keys(ext)) {
    if (key === 'signal' || key === 'responseHeaders') throw new TypeError(`middleware: the context key '${key}' cannot be replaced`)
    out[key] = (ext as Record<string, unknown>)[key]
  }
  return out
}

function isResult(value: unknown): value is MiddlewareResult {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean'
}

/**
 * Runs `chain` around `inner`. `failure` turns anything thrown into the `MizanError` the client
 * will see (reporting what is not one), so `next` always resolves to a result.
 */
export async function runMiddleware(
  chain: readonly AnyMiddleware[],
  info: Omit<MiddlewareOptions<unknown>, 'ctx'>,
  ctx: object,
  inner: (ctx: object) => unknown,
  failure: (error: unknown) => MizanError,
  isStream?: (value: unknown) => value is AsyncIterable<unknown>,
): Promise<unknown> {
  let streamed: ((stream: { stream: AsyncIterable<unknown> }) => void) | undefined
  const streamStarted = new Promise<{ stream: AsyncIterable<unknown> }>((resolve) => (streamed = resolve))
  const step = async (index: number, current: object): Promise<MiddlewareResult> => {
    try {
      if (index === chain.length) {
        const data = await inner(current)
        if (!isStream?.(data)) return { ok: true, data }
        // The transport gets the stream now; the chain's next() resolves once it ended.
        return await new Promise<MiddlewareResult>((settle) => streamed?.({ stream: followed(data, settle, failure) }))
      }
      const mw = chain[index] as AnyMiddleware
      let called = false
      const next = ((opts?: { ctx?: object }) => {
        if (called) throw new TypeError(`middleware ${index} of '${info.fn}' called next() twice`)
        called = true
        return step(index + 1, opts?.ctx ? extendContext(current, opts.ctx) : current)
      }) as MiddlewareNext
      const result = await mw({ ...info, ctx: current as never }, next)
      if (!isResult(result)) throw new TypeError(`middleware ${index} of '${info.fn}' did not return the result of next()`)
      return result
    } catch (error) {
      return { ok: false, error: failure(error) }
    }
  }
  const first = await Promise.race([step(0, ctx), streamStarted])
  if ('stream' in first) return first.stream
  if (first.ok) return first.data
  throw first.error
}

/**
 * `source` as it reaches the client, telling the chain how it ended: `{ ok: true }` once read to
 * the end or closed (the client cancelled, or it was never read), `{ ok: false, error }` when it
 * failed. Its `data` is `undefined`: the items went to the client. A failure leaves as the
 * `MizanError` the client sees, so it is reported once.
 */
function followed(source: AsyncIterable<unknown>, settle: (result: MiddlewareResult) => void, failure: (error: unknown) => MizanError): AsyncGenerator<unknown, unknown> {
  let ended = false
  const end = (result: MiddlewareResult) => {
    if (!ended) settle(result)
    ended = true
  }
  const ok: MiddlewareResult = { ok: true, data: undefined }
  const gen = (async function* () {
    try {
      return yield* source
    } catch (error) {
      const told = failure(error)
      end({ ok: false, error: told })
      throw told
    } finally {
      end(ok)
    }
  })()
  // A generator closed before its first item never runs its `finally`.
  const close = gen.return.bind(gen)
  gen.return = (value) => (end(ok), close(value))
  return gen
}
