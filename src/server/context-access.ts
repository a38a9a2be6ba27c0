/**
 * Who may read a context bundle, decided in one place for every path that reveals one: HTTP
 * and WebSocket reads, watches, SSR prefetch and `createCaller`. It runs before the origin
 * cache is consulted, so a cached bundle never skips a check, and it hands back the params
 * as the members' schemas parse them: the canonical form the cache keys on.
 */
import { MizanError } from '../shared/errors.ts'
import type { MizanUser, RequestContext } from './defineClient.ts'
import { enforceAuth, parseInput, type Coercion, type ErrorReporter } from './execute.ts'
import type { RegisteredContext, RegisteredFunction } from './router.ts'
import { coerceParam } from './schema.ts'
import { typedText } from './cache/keys.ts'

/** A context's row-level rule: may this caller read the bundle for these (parsed) params? */
export type ContextAuthorize<TParams = Record<string, unknown>, TUser extends MizanUser = MizanUser, TCtx extends object = {}> = (
  params: TParams,
  ctx: RequestContext<TUser> & TCtx,
) => boolean | Promise<boolean>

/**
 * Per-context options given to `createRouter(defs, { contexts: { … } })`. An interface of
 * optional fields, so later options sit beside `authorize` without breaking callers.
 */
export interface ContextPolicy<TParams = Record<string, unknown>, TUser extends MizanUser = MizanUser, TCtx extends object = {}> {
  /** Runs on every read of the bundle, after the members' `auth`, before the cache. */
  authorize?: ContextAuthorize<TParams, TUser, TCtx>
  /**
   * `'user'`: the bundle is the caller's own data (a `me`), so a mutation changes only the
   * caller's copy: live invalidation reaches only that user's watchers, and the origin cache
   * drops only that user's entry. `'shared'` (default): everyone's copy is invalidated.
   */
  scope?: ContextScope
}

export type ContextScope = 'user' | 'shared'

/** What a read was allowed with: the declared params, parsed by the members' schemas. */
export interface ContextRead {
  /** Only params some member declares, each as the first member (in wire-name order) that declares it parsed it. */
  params: Record<string, unknown>
  /** Params the members parse to different values (one lower-cases, one does not): each member's parse, for the cache key. */
  variants?: Record<string, unknown[]>
}

export interface ContextAccessOptions {
  report: ErrorReporter
  coercion?: Coercion
}

const DENIED = 'Access denied'

/** Query-string values and JSON values (WebSocket, caller) are read as Pydantic's lax mode reads them. */
export function memberParams(member: RegisteredFunction, query: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!member.params.length) return undefined
  const out: Record<string, unknown> = {}
  for (const p of member.params) {
    const value = Object.hasOwn(query, p.name) ? query[p.name] : undefined
    if (value !== undefined) out[p.name] = coerceParam(p, value)
  }
  return out
}

/** Members in wire-name order, so "the first member that declares a param" does not depend on router key order. */
const wireOrder = new WeakMap<RegisteredContext, readonly RegisteredFunction[]>()
function membersInWireOrder(ctxDef: RegisteredContext): readonly RegisteredFunction[] {
  let order = wireOrder.get(ctxDef)
  if (!order) {
    order = [...ctxDef.members].sort((a, b) => (a.wireName < b.wireName ? -1 : a.wireName > b.wireName ? 1 : 0))
    wireOrder.set(ctxDef, order)
  }
  return order
}

/**
 * Every member's `auth` (in member order, before any input is looked at, as in the reference),
 * then every member's input schema, then the context's `authorize(params, ctx)`. Throws the
 * protocol's error: 401/403 for auth, 422 for params no member accepts, and a generic 403 for a
 * denied or throwing `authorize` (a throw is reported to `onError`; its text never leaves).
 * Params no member declares are ignored, as the reference ignores them.
 */
export async function authorizeContextRead(
  ctxDef: RegisteredContext,
  rawParams: Record<string, unknown>,
  ctx: RequestContext<MizanUser>,
  options: ContextAccessOptions,
): Promise<ContextRead> {
  for (const member of ctxDef.members) {
    if (member.fn.options.auth !== undefined) await enforceAuth(member.fn.options.auth, ctx, options.report, member.wireName)
  }
  const params: Record<string, unknown> = {}
  const seen: Record<string, unknown[]> = {}
  let variants: Record<string, unknown[]> | undefined
  for (const member of membersInWireOrder(ctxDef)) {
    if (!member.fn.options.input) continue
    const parsed = await parseInput(member, memberParams(member, rawParams) ?? {}, options.coercion)
    if (typeof parsed !== 'object' || parsed === null) continue
    for (const p of member.params) {
      const value = (parsed as Record<string, unknown>)[p.name]
      if (value === undefined) continue
      if (!Object.hasOwn(params, p.name)) params[p.name] = value
      const all = (seen[p.name] ??= [])
      all.push(value)
      if (all.length > 1 && typedText(value) !== typedText(all[0])) (variants ??= {})[p.name] = all
    }
  }
  const authorize = ctxDef.authorize
  if (authorize) {
    let allowed: unknown
    try {
      allowed = await authorize({ ...params }, ctx)
    } catch (error) {
      if (!(error instanceof MizanError)) options.report(error, { fn: `ctx:${ctxDef.name}` })
      throw new MizanError('FORBIDDEN', DENIED)
    }
    if (allowed !== true) throw new MizanError('FORBIDDEN', DENIED)
  }
  return variants ? { params, variants } : { params }
}
