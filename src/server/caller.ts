import { MizanError } from '../shared/errors.ts'
import type { AnyRouter, CallArgs, ContextBundle, ContextNames, ContextParams, InputOf, OutputOf } from '../shared/types.ts'
import type { MizanUser, RequestContext } from './defineClient.ts'
import { authorizeContextRead, memberParams } from './context-access.ts'
import { executeFunction, type ErrorReporter } from './execute.ts'
import type { AnyServerRouter, Router } from './router.ts'

export interface CallerContext<TUser extends MizanUser = MizanUser> {
  user?: TUser | null
  headers?: Headers
  raw?: unknown
  signal?: AbortSignal
  onError?: ErrorReporter
}

type Keys<R extends AnyRouter> = keyof R['defs'] & string

export type Caller<R extends AnyRouter> = {
  [K in Keys<R>]: (...args: CallArgs<InputOf<R, K>>) => Promise<OutputOf<R, K>>
} & {
  /** A whole context bundle, keyed by router key. */
  $context<C extends ContextNames<R>>(name: C, params?: ContextParams<R, C>): Promise<ContextBundle<R, C>>
  /** The same bundle as it travels on the wire (keyed by wire name), for SSR and caches. */
  $contextWire<C extends ContextNames<R>>(name: C, params?: ContextParams<R, C>): Promise<Record<string, unknown>>
}

/**
 * Calls server functions in-process, with the same auth, validation and errors as HTTP but
 * no request: for tests, scripts and server-side rendering. Private functions stay callable
 * here, since the caller is the server itself.
 */
export function createCaller<R extends AnyServerRouter>(router: R, context: CallerContext = {}): Caller<R> {
  const ctx: RequestContext<MizanUser> = {
    user: context.user ?? null,
    headers: context.headers ?? new Headers(),
    raw: context.raw,
    signal: context.signal ?? new AbortController().signal,
    routeParams: {},
    responseHeaders: new Headers(),
  }
  const report: ErrorReporter = context.onError ?? ((error, where) => console.error(`[mizan] ${where.fn}:`, error))
  const byKey = new Map([...router.functions.values()].map((reg) => [reg.key, reg]))

  async function bundle(name: string, params: Record<string, unknown> = {}, keyed: 'key' | 'wire') {
    const ctxDef = router.contexts.get(name)
    if (!ctxDef) throw new MizanError('NOT_FOUND', `Context '${name}' not found`)
    // The same checks as an HTTP or WebSocket read: members' auth, params, the context's authorize.
    await authorizeContextRead(ctxDef, params, ctx, { report })
    const values = await Promise.all(ctxDef.members.map((member) => executeFunction(member, memberParams(member, params), ctx, report)))
    return Object.fromEntries(ctxDef.members.map((m, i) => [keyed === 'key' ? m.key : m.wireName, values[i]]))
  }

  return new Proxy({} as Caller<R>, {
    get(_target, prop) {
      if (prop === '$context') return (name: string, params?: Record<string, unknown>) => bundle(name, params, 'key')
      if (prop === '$contextWire') return (name: string, params?: Record<string, unknown>) => bundle(name, params, 'wire')
      if (typeof prop !== 'string') return undefined
      const reg = byKey.get(prop)
      if (!reg) return undefined
      return (input?: unknown) => executeFunction(reg, input, ctx, report)
    },
  })
}

export type { Router }
