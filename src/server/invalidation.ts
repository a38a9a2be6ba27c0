import type { InvalidateEntry, MergeEntry, WireParams } from '../shared/protocol.ts'
import type { AnyServerRouter, RegisteredContext, RegisteredFunction } from './router.ts'
import { resolveMergeSlot } from './router.ts'

function pick(args: unknown, names: Iterable<string>): WireParams {
  const out: WireParams = {}
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return out
  const source = args as Record<string, unknown>
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(source, name)) out[name] = source[name]
  }
  return out
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
  const seen = new Set<string>()
  const push = (entry: InvalidateEntry) => {
    const key = JSON.stringify(entry)
    if (!seen.has(key)) {
      seen.add(key)
      out.push(entry)
    }
  }
  for (const target of reg.fn.options.affects) {
    if (typeof target === 'string') {
      const ctx = router.contexts.get(target)
      if (ctx) push(contextEntry(ctx, pick(args, ctx.params.keys())))
      continue
    }
    const targetReg = router.lookup(target)
    if (!targetReg) continue
    const params = pick(args, targetReg.params.map((p) => p.name))
    const ctxName = targetReg.fn.options.context
    const ctx = ctxName ? router.contexts.get(ctxName) : undefined
    if (ctx) push(contextEntry(ctx, params))
    else push(Object.keys(params).length ? { function: targetReg.wireName, params } : { function: targetReg.wireName })
  }
  return out
}

export function resolveMerges(router: AnyServerRouter, reg: RegisteredFunction, args: unknown, result: unknown): MergeEntry[] {
  const out: MergeEntry[] = []
  const value = reg.fn.options.outputOf ? reg.fn.options.outputOf(result) : result
  if (value === undefined) return out
  for (const ctxName of new Set(reg.fn.options.merge)) {
    const ctx = router.contexts.get(ctxName)
    if (!ctx) continue
    const [slot, ...rest] = resolveMergeSlot(ctx, reg.fn.options.output)
    if (!slot || rest.length) continue
    const entry: MergeEntry = { context: ctxName, slot: slot.wireName, value }
    const params = pick(args, ctx.params.keys())
    if (Object.keys(params).length) entry.params = params
    out.push(entry)
  }
  return out
}
