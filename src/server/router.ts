import type { RouterGraphCheck } from '../shared/type-errors.ts'
import type { AnySchema, ContextNames, ContextParams, RouterEntryShape, RouterMarker } from '../shared/types.ts'
import { toCamelCase, toPascalCase, toWireName } from '../shared/naming.ts'
import type { ContextAuthorize, ContextPolicy, ContextScope } from './context-access.ts'
import type { AnyServerFunction, MizanUser } from './defineClient.ts'
import type { MizanRequest } from './dispatch-types.ts'
import { isForm, type AnyFormDefinition } from './forms/define-form.ts'
import { isChannel, type AnyChannelDefinition, type RegisteredChannel } from './channels/define-channel.ts'
import { describeParams, type ParamInfo } from './schema.ts'

export interface RegisteredFunction {
  key: string
  wireName: string
  fn: AnyServerFunction
  params: ParamInfo[]
  /** The params lax coercion can change (numbers and booleans at any depth), picked once so a call skips the rest. */
  laxParams: ParamInfo[]
}

export interface RegisteredContext {
  name: string
  members: RegisteredFunction[]
  /** Every param any member declares; `required` when every member declares it and one requires it. */
  params: Map<string, ParamInfo>
  /** The highest `rev` of the members: bumping any member's rev busts the bundle. */
  rev: number
  /** The strictest member policy: `false` wins, then the shortest TTL. */
  cache: number | boolean
  /** The context's row-level rule from `createRouter(defs, { contexts })`, run on every read. */
  authorize?: ContextAuthorize
  /** `'user'`: a mutation invalidates only its caller's copy (live watchers and cache entries). */
  scope?: ContextScope
}

/**
 * `createRouter`'s second argument. `contexts` is keyed by the context names `defs` declares
 * (an unknown name is a type error); each policy's `params` are that context's bundle params.
 */
export interface RouterOptions<TDefs extends Record<string, RouterEntryShape>, TUser extends MizanUser = MizanUser, TCtx extends object = {}> {
  contexts?: { [C in ContextNames<RouterMarker<TDefs>>]?: ContextPolicy<ContextParams<RouterMarker<TDefs>, C>, TUser, TCtx> }
}

export type RouterDefs = Record<string, AnyServerFunction | AnyFormDefinition | AnyChannelDefinition>

/**
 * The app's request context: made once per request (an HTTP request, a WebSocket frame) after
 * the user is resolved; its keys reach every handler, middleware, `auth` and channel hook.
 */
export type RequestContextFactory<TUser extends MizanUser = MizanUser, TCtx extends object = object> = (
  req: MizanRequest,
  base: { user: TUser | null },
) => TCtx | Promise<TCtx>

/** The types a router was defined with (phantom): what `createCaller` takes. */
export interface RouterEnv<TUser extends MizanUser = MizanUser, TCtx extends object = object> {
  user: TUser
  ctx: TCtx
}

export interface Router<TDefs extends Record<string, RouterEntryShape> = RouterDefs, TEnv extends RouterEnv = RouterEnv>
  extends RouterMarker<TDefs> {
  readonly '~env'?: TEnv
  /** The request-context factory of `createMizan().withContext(...)`, run by every dispatcher. */
  readonly requestContext?: RequestContextFactory | undefined
  readonly functions: ReadonlyMap<string, RegisteredFunction>
  readonly contexts: ReadonlyMap<string, RegisteredContext>
  /** Channels by wire name (`defineChannel`), served by the WebSocket adapter. */
  readonly channels: ReadonlyMap<string, RegisteredChannel>
  /** The registration of a function value, for `affects` given as references. */
  lookup(fn: AnyServerFunction): RegisteredFunction | undefined
}

export type AnyServerRouter = Router<RouterDefs>

export class RouterDefinitionError extends Error {
  override readonly name = 'RouterDefinitionError'
}

function buildContext(name: string, members: RegisteredFunction[]): RegisteredContext {
  const params = new Map<string, ParamInfo>()
  for (const member of members) {
    for (const p of member.params) {
      const seen = params.get(p.name)
      params.set(p.name, { ...p, required: (seen?.required ?? false) || p.required })
    }
  }
  for (const [pname, info] of params) {
    const everywhere = members.every((m) => m.params.some((p) => p.name === pname))
    if (!everywhere) params.set(pname, { ...info, required: false })
  }
  let cache: number | boolean = true
  for (const m of members) {
    const c = m.fn.options.cache
    if (c === false) cache = false
    else if (typeof c === 'number' && cache !== false) cache = cache === true ? c : Math.min(cache, c)
  }
  const rev = Math.max(0, ...members.map((m) => m.fn.options.rev))
  return { name, members, params, rev, cache }
}

type ZodLike = { _zod?: { def?: { type?: string; innerType?: unknown; element?: unknown } } }

function unwrapOptional(schema: unknown): unknown {
  let current = schema as ZodLike
  while (current?._zod?.def && ['optional', 'nullable', 'default'].includes(current._zod.def.type ?? '')) {
    current = current._zod.def.innerType as ZodLike
  }
  return current
}

function elementOf(schema: unknown): unknown {
  const def = (schema as ZodLike)?._zod?.def
  return def?.type === 'array' ? def.element : undefined
}

/** Same rule as the reference: same schema, or a list slot of that schema. */
export function schemasMatchForMerge(slot: AnySchema | undefined, value: AnySchema | undefined): boolean {
  if (!slot || !value) return false
  const s = unwrapOptional(slot)
  const v = unwrapOptional(value)
  if (s === v) return true
  const slotElement = elementOf(s)
  if (slotElement !== undefined && unwrapOptional(slotElement) === v) return true
  const valueElement = elementOf(v)
  return slotElement !== undefined && valueElement !== undefined && slotElement === valueElement
}

export function resolveMergeSlot(context: RegisteredContext, output: AnySchema | undefined): RegisteredFunction[] {
  return context.members.filter((m) => schemasMatchForMerge(m.fn.options.output, output))
}

function checkGraph(functions: Map<string, RegisteredFunction>, contexts: Map<string, RegisteredContext>, byValue: Map<AnyServerFunction, RegisteredFunction>) {
  const problems: string[] = []
  for (const reg of functions.values()) {
    const { affects, merge, output } = reg.fn.options
    for (const target of affects) {
      if (typeof target === 'string') {
        if (!contexts.has(target)) problems.push(`'${reg.key}' affects unknown context '${target}'`)
      } else if (!byValue.has(target)) {
        problems.push(`'${reg.key}' affects a function that is not in this router`)
      }
    }
    for (const ctxName of merge) {
      const ctx = contexts.get(ctxName)
      if (!ctx) {
        problems.push(`'${reg.key}' merges into unknown context '${ctxName}'`)
        continue
      }
      const slots = resolveMergeSlot(ctx, output)
      if (slots.length !== 1) {
        const why = slots.length === 0 ? 'no member has its output schema' : `members ${slots.map((s) => s.key).join(', ')} share its output schema`
        problems.push(`'${reg.key}' merges into '${ctxName}' but ${why}; merge needs exactly one slot`)
      }
    }
  }
  if (problems.length) throw new RouterDefinitionError(`Invalid router:\n- ${problems.join('\n- ')}`)
}

function attachPolicies(contexts: Map<string, RegisteredContext>, policies: Record<string, ContextPolicy | undefined> | undefined): void {
  if (!policies) return
  for (const [name, policy] of Object.entries(policies)) {
    const ctx = contexts.get(name)
    if (!ctx) throw new RouterDefinitionError(`options.contexts names unknown context '${name}'`)
    if (policy?.authorize !== undefined && typeof policy.authorize !== 'function') {
      throw new RouterDefinitionError(`options.contexts.${name}.authorize must be a function`)
    }
    if (policy?.authorize) ctx.authorize = policy.authorize
    if (policy?.scope !== undefined && policy.scope !== 'user' && policy.scope !== 'shared') {
      throw new RouterDefinitionError(`options.contexts.${name}.scope must be 'user' or 'shared'`)
    }
    if (policy?.scope === 'user') ctx.scope = 'user'
  }
}

/**
 * Gathers server functions. Keys are camelCase; each function's wire name is its key in
 * snake_case unless it sets `name`. Contexts, elevation and merge slots are resolved here,
 * once, and a broken graph (unknown targets, ambiguous merges) fails at startup; a context
 * named in `affects`/`merge` that no function declares already fails to type-check.
 */
export function createRouter<const TDefs extends Record<string, RouterEntryShape>>(defs: TDefs & RouterGraphCheck<TDefs>, options?: RouterOptions<TDefs>): Router<TDefs> {
  const functions = new Map<string, RegisteredFunction>()
  const byValue = new Map<AnyServerFunction, RegisteredFunction>()
  const groups = new Map<string, RegisteredFunction[]>()
  const entries: [string, AnyServerFunction, string | undefined][] = []
  const channels = new Map<string, RegisteredChannel>()
  for (const [key, entry] of Object.entries(defs as unknown as RouterDefs)) {
    if (isChannel(entry)) {
      entry.bindName(toWireName(key))
      const name = entry.name ?? toWireName(key)
      if (channels.has(name)) throw new RouterDefinitionError(`channel name '${name}' is used twice`)
      channels.set(name, { key, name, def: entry })
      continue
    }
    if (isForm(entry)) {
      entry.bindName(toWireName(key))
      for (const [suffix, fn] of Object.entries(entry.functions)) entries.push([`${key}.${suffix}`, fn, `${entry.name}.${suffix}`])
      continue
    }
    if (entry?.['~mizan'] !== 'function') throw new RouterDefinitionError(`'${key}' is not a server function`)
    entries.push([key, entry, undefined])
  }
  for (const [key, fn, formWireName] of entries) {
    const wireName = formWireName ?? fn.options.name ?? toWireName(key)
    // The client reads `use<X>Channel` as a channel hook: a function key ending in `Channel` would be unreachable.
    // Likewise `use<X>Infinite` is the infinite query of function <x>.
    if (!formWireName && /Infinite$/.test(key)) {
      throw new RouterDefinitionError(`key '${key}' ends in 'Infinite', which the client reads as an infinite query hook (use${toPascalCase(key)}); rename it`)
    }
    if (!formWireName && /Channel$/.test(key)) {
      throw new RouterDefinitionError(`key '${key}' ends in 'Channel', which the client reads as a channel hook (use${toPascalCase(key)}); rename it`)
    }
    if (!formWireName && !fn.options.name && toCamelCase(wireName) !== key) {
      throw new RouterDefinitionError(`key '${key}' does not survive the camelCase ↔ snake_case round trip ('${wireName}'); rename it or set \`name\``)
    }
    if (functions.has(wireName)) throw new RouterDefinitionError(`wire name '${wireName}' is used twice`)
    const params = describeParams(fn.options.input)
    const reg: RegisteredFunction = { key, wireName, fn, params, laxParams: params.filter((p) => p.shape !== undefined) }
    functions.set(wireName, reg)
    byValue.set(fn, reg)
    if (fn.options.context) {
      const list = groups.get(fn.options.context) ?? []
      list.push(reg)
      groups.set(fn.options.context, list)
    }
  }
  const contexts = new Map<string, RegisteredContext>()
  for (const [name, members] of groups) {
    // `useSuspense<Name>Context` is context <name>'s suspending hook, so `suspense_x`'s own hook would be taken.
    if (/^suspense_/.test(name)) throw new RouterDefinitionError(`context '${name}' starts with 'suspense_': its hook would read as useSuspense${toPascalCase(name.slice(9))}Context; rename it`)
    contexts.set(name, buildContext(name, members))
  }
  for (const reg of functions.values()) {
    for (const ctx of contexts.keys()) {
      if (`${toPascalCase(reg.key)}` === `${toPascalCase(ctx)}Context`) {
        throw new RouterDefinitionError(`'${reg.key}' would share the hook name use${toPascalCase(ctx)}Context with context '${ctx}'`)
      }
    }
  }
  checkGraph(functions, contexts, byValue)
  attachPolicies(contexts, options?.contexts as Record<string, ContextPolicy | undefined> | undefined)
  return {
    '~mizan': 'router',
    defs,
    functions,
    contexts,
    channels,
    lookup: (fn) => byValue.get(fn),
  }
}
