import type { InvalidateEntry, MergeEntry, WireParams } from '../shared/protocol.ts'
import type { AffectsTarget } from './defineClient.ts'
import type { AnyServerRouter, RegisteredContext, RegisteredFunction } from './router.ts'
import { resolveMergeSlot } from './router.ts'

function pick(args: unknown, names: Iterable<string>): WireParams {
  const out: WireParams = {}
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return out
  const source = args as Record<string, unknown>
  for (const name of names) {
    if (Object.hasOwn(source, name)) out[name] = source[name]
  }
  return out
}

/**
 * The names a mutation's args can scope an entry by: only args its input schema declares (raw
 * args may carry extra keys the schema strips; one named like the context's param must not turn
 * a broad invalidation into a scoped one). A schema without named params (none, or a record such
 * as a form submit's) hands the function the args as sent, so those are its args.
 */
function declaredBy(reg: RegisteredFunction, names: Iterable<string>): string[] {
  const list = [...names]
  if (!reg.params.length) return list
  return list.filter((name) => reg.params.some((p) => p.name === name))
}

function contextEntry(ctx: RegisteredContext, params: WireParams): InvalidateEntry {
  return Object.keys(params).length ? { context: ctx.name, params } : ctx.name
}

/**
 * Three tiers, decided by the mutation's own argument names: a context target is scoped to
 * the args it shares with the context's params (else broad); a member target is scoped to
 * that member's params; a plain-function target becomes a `function` entry.
 */
export function resolveInvalidation(router: AnyServerRouter, reg: RegisteredFunction, args: unknown): InvalidateEntry[] {
  const out: InvalidateEntry[] = []
  const affects = reg.fn.options.affects
  // Most calls are reads: no set, no closure, nothing allocated beyond the empty list.
  if (!affects.length) return out
  const seen = new Set<string>()
  for (const target of affects) {
    const entry = targetEntry(router, reg, target, args)
    if (!entry) continue
    // Args from createCaller may hold bigints, which JSON.stringify throws on.
    const key = JSON.stringify(entry, (_name, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))
    if (seen.has(key)) continue
    seen.add(key)
    out.push(entry)
  }
  return out
}

function targetEntry(router: AnyServerRouter, reg: RegisteredFunction, target: AffectsTarget, args: unknown): InvalidateEntry | undefined {
  if (typeof target === 'string') {
    const ctx = router.contexts.get(target)
    return ctx ? contextEntry(ctx, pick(args, declaredBy(reg, ctx.params.keys()))) : undefined
  }
  const targetReg = router.lookup(target)
  if (!targetReg) return undefined
  const params = pick(args, declaredBy(reg, targetReg.params.map((p) => p.name)))
  const ctxName = targetReg.fn.options.context
  const ctx = ctxName ? router.contexts.get(ctxName) : undefined
  if (ctx) return contextEntry(ctx, params)
  return Object.keys(params).length ? { function: targetReg.wireName, params } : { function: targetReg.wireName }
}

export function resolveMerges(router: AnyServerRouter, reg: RegisteredFunction, args: unknown, result: unknown): MergeEntry[] {
  const out: MergeEntry[] = []
  if (!reg.fn.options.merge.length) return out
  const value = reg.fn.options.outputOf ? reg.fn.options.outputOf(result) : result
  if (value === undefined) return out
  for (const ctxName of new Set(reg.fn.options.merge)) {
    const ctx = router.contexts.get(ctxName)
    if (!ctx) continue
    const [slot, ...rest] = resolveMergeSlot(ctx, reg.fn.options.output)
    if (!slot || rest.length) continue
    const entry: MergeEntry = { context: ctxName, slot: slot.wireName, value }
    const params = pick(args, declaredBy(reg, ctx.params.keys()))
    if (Object.keys(params).length) entry.params = params
    out.push(entry)
  }
  return out
}
