import { MizanError } from '../shared/errors.ts'
import type { InvalidateEntry, MergeEntry } from '../shared/protocol.ts'
import type { CallArgs, CallableKeys, InputOf, OutputOf } from '../shared/types.ts'
import { createCaller, type CallerContextOf } from './caller.ts'
import { resolveInvalidation, resolveMerges } from './invalidation.ts'
import type { AnyServerRouter } from './router.ts'

/**
 * What a server action answers: plain data a framework can send to the browser (Next.js
 * serializes it), in the shape of a `/call/` response, so the client applies it with
 * `applyMizanResponse(queryClient, outcome)` exactly as it would a call's.
 */
export type ActionOutcome<T> =
  | { ok: true; result: T; invalidate: InvalidateEntry[]; merge: MergeEntry[] }
  | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } }

/**
 * Calls a router function in-process, as a server action (Next.js `'use server'`, or any RPC of
 * a framework's own) would: through `createCaller`, so with the same auth, validation, errors,
 * app context and (given `cache`) origin-cache purge as over HTTP, plus the `invalidate` and
 * `merge` the call's `affects`/`merge` imply. An error comes back as the protocol's envelope,
 * never thrown: a framework would otherwise send the thrown object's text to the browser, and no
 * exception text from a handler may reach a client (anything but a `MizanError` is
 * INTERNAL_ERROR, reported to `onError`). `context` may be a function, called per action (to
 * read the request's cookies and resolve the user).
 */
export function createServerAction<R extends AnyServerRouter, K extends CallableKeys<R>>(
  router: R,
  key: K,
  context: CallerContextOf<R> | (() => CallerContextOf<R> | Promise<CallerContextOf<R>>) = {},
): (...args: CallArgs<InputOf<R, K>>) => Promise<ActionOutcome<OutputOf<R, K>>> {
  const reg = [...router.functions.values()].find((candidate) => candidate.key === key)
  if (!reg || reg.fn.options.private || reg.fn.options.context || reg.fn.options.route !== undefined) {
    throw new TypeError(`createServerAction: '${key}' is not a callable function of this router`)
  }
  return async (input?: unknown) => {
    const given = typeof context === 'function' ? await context() : context
    const report = given.onError ?? ((error: unknown, where: { fn: string }) => console.error(`[mizan] ${where.fn}:`, error))
    const call = (createCaller(router, { ...given, onError: report }) as unknown as Record<string, (input: unknown) => Promise<unknown>>)[key]!
    try {
      const result = await call(input)
      return { ok: true, result: result as OutputOf<R, K>, invalidate: resolveInvalidation(router, reg, input), merge: resolveMerges(router, reg, input, result) }
    } catch (error) {
      const known = error instanceof MizanError ? error : new MizanError('INTERNAL_ERROR', 'An internal error occurred')
      if (!(error instanceof MizanError)) report(error, { fn: reg.wireName })
      return { ok: false, error: { code: known.code, message: known.message, ...(known.details && { details: known.details }) } }
    }
  }
}
