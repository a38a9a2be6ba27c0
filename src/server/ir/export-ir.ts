/**
 * Router → KDL IR, as the Python reference's `export_izana_ir` writes it for the same
 * functions, so tools built for the Python IR (and our own contract converter) read a TS
 * backend too. The naming and ordering rules are the reference's (docs/IR.md).
 */
import type { AnySchema } from '../../shared/types.ts'
import type { RegisteredChannel } from '../channels/define-channel.ts'
import type { AnyServerFunction } from '../defineClient.ts'
import type { RegisteredFunction } from '../router.ts'
import { FORM_INPUTS, FORM_MODELS, FORM_MODELS_BY_ROLE, FORM_OUTPUTS, FORM_ROLES } from './form-types.ts'
import {
  byName,
  IrError,
  renderIr,
  sortedNames,
  type IrChannel,
  type IrContext,
  type IrContextParam,
  type IrDeclaredError,
  type IrDocument,
  type IrField,
  type IrFormRole,
  type IrFunction,
  type IrPrimitive,
  type IrShape,
} from './ir-model.ts'
import { jsonSchemaOf, NamedTypes, paramPrimitive, ShapeReader, splitNullable, type JsonNode } from './json-shapes.ts'
import { irCamel, irPascal } from './python-names.ts'

/** The part of a router the exporter reads; forms are found among `defs`, channels by wire name. */
export interface ExportableRouter {
  readonly defs: Readonly<Record<string, unknown>>
  readonly functions: ReadonlyMap<string, RegisteredFunction>
  readonly channels?: ReadonlyMap<string, RegisteredChannel>
  lookup?(fn: AnyServerFunction): RegisteredFunction | undefined
}

/**
 * A channel's message schemas, for channels the router does not hold: a generated contract
 * declares its backend's channels this way (its `channels` export), beside the router.
 */
export interface ChannelSchemas {
  params?: AnySchema
  clientMessage?: AnySchema
  serverMessage?: AnySchema
}

export interface ExportIrOptions {
  channels?: Readonly<Record<string, ChannelSchemas>>
  /**
   * Also write each function's `auth` gate (`true`, `'staff'`, `'superuser'`), `rev` and `cache`
   * policy, which the reference's IR leaves out, so a contract pulled from it knows them. Off by
   * default: the document then stays byte-identical to the reference's.
   */
  policies?: boolean
}

interface FormRole {
  form: string | undefined
  role: IrFormRole
}

interface MemberParam {
  name: string
  type: IrPrimitive
  optional: boolean
}

interface Described {
  hasInput: boolean
  params: MemberParam[]
  outputNullable: boolean
}

const OPEN: IrShape = { kind: 'primitive', name: 'string' }

/** A record or an unconstrained value: arguments the IR cannot list, recorded as "no input". */
const isOpenObject = (json: JsonNode) =>
  json['type'] === 'object' || !['type', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', '$ref'].some((k) => k in json)

/** A view is a function mounted at a route (a plain function may still answer with a Response and stay callable). */
const isView = (fn: AnyServerFunction) => fn.options.route !== undefined

type FormLike = { '~mizan': 'form'; name?: unknown; functions: Record<string, unknown> }
const isFormLike = (value: unknown): value is FormLike =>
  typeof value === 'object' && value !== null && (value as { '~mizan'?: unknown })['~mizan'] === 'form' && typeof (value as FormLike).functions === 'object'

function formRoles(router: ExportableRouter): Map<unknown, FormRole> {
  const roles = new Map<unknown, FormRole>()
  for (const entry of Object.values(router.defs)) {
    if (!isFormLike(entry)) continue
    for (const role of FORM_ROLES) {
      const fn = entry.functions[role]
      if (fn) roles.set(fn, { form: typeof entry.name === 'string' ? entry.name : undefined, role })
    }
  }
  return roles
}

function paramsOf(fields: IrField[], node?: JsonNode): MemberParam[] {
  const props = (node?.['properties'] ?? {}) as Record<string, JsonNode>
  return fields.map((f) => ({
    name: f.name,
    type: props[f.name] ? paramPrimitive(props[f.name]!) : f.shape.kind === 'primitive' ? f.shape.name : 'string',
    optional: !f.required,
  }))
}

/** Binds `<camel>Input` / `<camel>Output` and reports what the function and context entries need. */
function describe(reg: RegisteredFunction, camel: string, form: FormRole | undefined, types: NamedTypes): Described {
  const where = `'${reg.wireName}'`
  const inputName = `${camel}Input`
  const outputName = `${camel}Output`
  if (form) {
    for (const model of FORM_MODELS) if (FORM_MODELS_BY_ROLE[form.role].includes(model.name)) types.bind(model, 'the form protocol')
    const inputs = FORM_INPUTS[form.role]
    if (inputs.length) types.bind({ name: inputName, kind: 'struct', fields: inputs }, `${where} input`)
    types.bind({ name: outputName, kind: 'struct', fields: FORM_OUTPUTS[form.role] }, `${where} output`)
    return { hasInput: inputs.length > 0, params: paramsOf(inputs), outputNullable: false }
  }

  let params: MemberParam[] = []
  const { input, output } = reg.fn.options
  if (input) {
    const json = jsonSchemaOf(input, `${where} input`)
    const reader = new ShapeReader(json, inputName, types, `${where} input`)
    const struct = reader.structOf(json)
    if (struct) {
      const fields = reader.fields(struct, inputName)
      if (fields.length) types.bind({ name: inputName, kind: 'struct', fields }, `${where} input`)
      params = paramsOf(fields, struct)
    } else if (!isOpenObject(json)) {
      throw new IrError(`${where}: the IR passes arguments by name, so an input schema must be an object`)
    }
  }

  let outputNullable = false
  if (isView(reg.fn)) {
    // A view answers with a raw response; the reference still names an (empty) output model.
    types.bind({ name: outputName, kind: 'struct', fields: [] }, `${where} output`)
  } else if (!output) {
    // Nothing declares the result's shape; the reference spells an unknown shape as string.
    types.bind({ name: outputName, kind: 'alias', shape: OPEN }, `${where} output`)
  } else {
    const json = jsonSchemaOf(output, `${where} output`)
    const reader = new ShapeReader(json, outputName, types, `${where} output`)
    const split = splitNullable(json)
    outputNullable = split.nullable
    const struct = reader.structOf(split.inner)
    if (struct) types.bind({ name: outputName, kind: 'struct', fields: reader.fields(struct, outputName) }, `${where} output`)
    else types.bind({ name: outputName, kind: 'alias', shape: reader.shape(json, outputName) }, `${where} output`)
  }
  return { hasInput: params.length > 0, params, outputNullable }
}

/** A function's declared errors (`defineErrors`), each `details` schema bound as `<camel><Code>Details`. */
function declaredErrors(reg: RegisteredFunction, camel: string, types: NamedTypes): IrDeclaredError[] {
  const specs = reg.fn.options.errors?.['~errors']
  if (!specs) return []
  const out: IrDeclaredError[] = []
  for (const [code, spec] of Object.entries(specs)) {
    const error: IrDeclaredError = { code, status: spec.status ?? 400 }
    if (spec.details) {
      const where = `'${reg.wireName}' error ${code}`
      const name = `${camel}${irPascal(code.toLowerCase())}Details`
      const json = jsonSchemaOf(spec.details as AnySchema, where)
      const reader = new ShapeReader(json, name, types, where)
      const struct = reader.structOf(json)
      if (struct) types.bind({ name, kind: 'struct', fields: reader.fields(struct, name) }, where)
      else types.bind({ name, kind: 'alias', shape: reader.shape(json, name) }, where)
      error.details = name
    }
    out.push(error)
  }
  return byName(out.map((e) => ({ ...e, name: e.code }))).map(({ name: _name, ...e }) => e)
}

/** `affects` may name a function; the IR only names contexts, so a member stands for its context. */
function affectedContexts(reg: RegisteredFunction, router: ExportableRouter): string[] {
  const out: string[] = []
  for (const target of reg.fn.options.affects) {
    if (typeof target === 'string') out.push(target)
    else {
      const context = router.lookup?.(target)?.fn.options.context
      if (context) out.push(context)
    }
  }
  return out
}

function contextEntry(name: string, members: { wireName: string; params: MemberParam[] }[]): IrContext {
  const slots = new Map<string, { type: IrPrimitive; sharedBy: string[]; defaulted: boolean }>()
  for (const member of members) {
    for (const p of member.params) {
      const slot = slots.get(p.name) ?? { type: p.type, sharedBy: [], defaulted: false }
      // As in the reference, the last member to declare a param decides its type.
      slot.type = p.type
      slot.sharedBy.push(member.wireName)
      slot.defaulted ||= p.optional
      slots.set(p.name, slot)
    }
  }
  const params: IrContextParam[] = [...slots].map(([pname, slot]) => ({
    name: pname,
    type: slot.type,
    required: slot.sharedBy.length === members.length && !slot.defaulted,
    sharedBy: sortedNames(slot.sharedBy),
  }))
  return { name, functions: sortedNames(members.map((m) => m.wireName)), params: byName(params) }
}

const CHANNEL_SLOTS = [
  ['params', 'Params'],
  ['clientMessage', 'ClientMessage'],
  ['serverMessage', 'ServerMessage'],
] as const

function channelEntry(name: string, schemas: ChannelSchemas, types: NamedTypes): IrChannel {
  const entry: IrChannel = { name, pascalName: irPascal(name) }
  for (const [slot, suffix] of CHANNEL_SLOTS) {
    const schema = schemas[slot]
    if (!schema) continue
    const typeName = `${entry.pascalName}${suffix}`
    const where = `channel '${name}' ${slot}`
    const json = jsonSchemaOf(schema, where)
    const reader = new ShapeReader(json, typeName, types, where)
    const struct = reader.structOf(json)
    // The reference accepts only models here, and so does the IR.
    if (!struct) throw new IrError(`${where}: a channel message must be an object schema`)
    types.bind({ name: typeName, kind: 'struct', fields: reader.fields(struct, typeName) }, where)
    entry[slot] = typeName
  }
  return entry
}

/**
 * The router's own channels, then those passed beside it. A channel clients may send to (it has
 * `onMessage`) gets a client message: its `clientMessage` schema, else its `message`, as the
 * WebSocket adapter validates them.
 */
function channelSchemas(router: ExportableRouter, options: ExportIrOptions): Map<string, ChannelSchemas> {
  const all = new Map<string, ChannelSchemas>()
  for (const { name, def } of router.channels?.values() ?? []) {
    const { params, message, clientMessage, onMessage } = def.options
    const schemas: ChannelSchemas = { serverMessage: message }
    if (params) schemas.params = params
    if (onMessage) schemas.clientMessage = clientMessage ?? message
    all.set(name, schemas)
  }
  for (const [name, schemas] of Object.entries(options.channels ?? {})) {
    if (all.has(name)) throw new IrError(`channel '${name}' is both in the router and in the channels option`)
    all.set(name, schemas)
  }
  return all
}

export function buildIr(router: ExportableRouter, options: ExportIrOptions = {}): IrDocument {
  const types = new NamedTypes()
  const forms = formRoles(router)
  const functions: IrFunction[] = []
  const contexts = new Map<string, { wireName: string; params: MemberParam[] }[]>()
  for (const reg of router.functions.values()) {
    const camel = irCamel(reg.wireName)
    const form = forms.get(reg.fn)
    const facts = describe(reg, camel, form, types)
    const { context, private: isPrivate, websocket, merge } = reg.fn.options
    if (context) contexts.set(context, [...(contexts.get(context) ?? []), { wireName: reg.wireName, params: facts.params }])
    // Private functions and views are not callable over RPC, so the reference lists only their types.
    if (isPrivate || isView(reg.fn)) continue
    const entry: IrFunction = {
      name: reg.wireName,
      camel,
      hasInput: facts.hasInput,
      output: `${camel}Output`,
      outputNullable: facts.outputNullable,
      transport: websocket ? 'websocket' : 'http',
      affects: affectedContexts(reg, router),
      merge: [...merge],
    }
    if (facts.hasInput) entry.input = `${camel}Input`
    if (context) entry.context = context
    if (form) entry.form = form.form === undefined ? { role: form.role } : { name: form.form, role: form.role }
    if (options.policies) Object.assign(entry, policyOf(reg))
    const errors = declaredErrors(reg, camel, types)
    if (errors.length) entry.errors = errors
    functions.push(entry)
  }
  const channels = byName([...channelSchemas(router, options)].map(([name, schemas]) => channelEntry(name, schemas, types)))
  return {
    types: byName(types.list()),
    functions: byName(functions),
    contexts: byName([...contexts].map(([name, members]) => contextEntry(name, members))),
    channels,
  }
}

/** A function's gate and cache policy in the IR's terms; a predicate gate cannot be written down and is left out. */
function policyOf(reg: RegisteredFunction): Pick<IrFunction, 'auth' | 'rev' | 'cache'> {
  const { auth, rev, cache } = reg.fn.options
  const policy: Pick<IrFunction, 'auth' | 'rev' | 'cache'> = {}
  if (auth === true) policy.auth = 'required'
  else if (auth === 'staff' || auth === 'superuser') policy.auth = auth
  if (rev) policy.rev = rev
  if (cache !== undefined && cache !== true) policy.cache = cache
  return policy
}

/** The router's IR document, byte-compatible with the reference's export for the same functions. */
export function exportIr(router: ExportableRouter, options: ExportIrOptions = {}): string {
  return renderIr(buildIr(router, options))
}
