/**
 * IR → a TypeScript contract module: zod schemas for every IR type and a `declareClient`
 * (or `declareForm`) for every function, so a TS client types a Python backend from its
 * exported IR, with no codegen loop beyond this one-shot conversion.
 */
import { Identifiers, propertyKey, routerKey } from './contract-naming.ts'
import { byName, IrError, pythonNumber, type IrDocument, type IrField, type IrFunction, type IrLiteral, type IrShape, type IrType } from './ir-model.ts'
import { irCamel } from './python-names.ts'

export interface ContractOptions {
  /** Module that exports `createRouter`, `declareClient` and `declareForm`. */
  runtime?: string
  /** Module that exports `z`. */
  zod?: string
  /** Shown in the header, e.g. the IR file name. */
  source?: string
  /**
   * What the IR leaves out, by wire name: the gates and cache policy the backend declares
   * (`mizan pull` reads them from the Python registry), written into each `declareClient`.
   */
  policies?: Readonly<Record<string, FunctionPolicy>>
}

/** A function's auth gate and cache policy, as its backend declares them. */
export interface FunctionPolicy {
  auth?: true | 'staff' | 'superuser'
  rev?: number
  cache?: number | boolean
}

/** The policy an IR written with `policies: true` carries. */
function policyOfIr(fn: IrFunction): FunctionPolicy | undefined {
  if (fn.auth === undefined && fn.rev === undefined && fn.cache === undefined) return undefined
  const policy: FunctionPolicy = {}
  if (fn.auth !== undefined) policy.auth = fn.auth === 'required' ? true : fn.auth
  if (fn.rev !== undefined) policy.rev = fn.rev
  if (fn.cache !== undefined) policy.cache = fn.cache
  return policy
}

function policyParts(policy: FunctionPolicy | undefined): string[] {
  if (!policy) return []
  const parts: string[] = []
  if (policy.auth !== undefined) parts.push(`auth: ${policy.auth === true ? 'true' : quote(policy.auth)}`)
  if (policy.rev !== undefined && policy.rev !== 0) parts.push(`rev: ${policy.rev}`)
  if (policy.cache !== undefined && policy.cache !== true) parts.push(`cache: ${policy.cache}`)
  return parts
}

const FIXED_NAMES = ['z', 'contract', 'channels', 'AppRouter', 'createRouter', 'declareClient', 'declareForm']

const quote = (s: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is this regex's job
  `'${s.replace(/[\\'\u0000-\u001f\u2028\u2029]/g, (ch) => (ch === '\\' || ch === "'" ? `\\${ch}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`

const literal = (value: IrLiteral) => (typeof value === 'string' ? quote(value) : typeof value === 'number' ? pythonNumber(value) : String(value))

function refsOf(shape: IrShape, out: Set<string>): Set<string> {
  if (shape.kind === 'ref') out.add(shape.name)
  else if (shape.kind === 'list' || shape.kind === 'optional') refsOf(shape.of, out)
  else if (shape.kind === 'union') for (const b of shape.branches) refsOf(b, out)
  return out
}

const typeRefs = (type: IrType) => {
  const out = new Set<string>()
  if (type.kind === 'struct') for (const f of type.fields) refsOf(f.shape, out)
  else refsOf(type.shape, out)
  return out
}

/** The model a list-valued context slot holds, which a merging mutation's output must be. */
function listElement(shape: IrShape): string | undefined {
  const inner = shape.kind === 'optional' ? shape.of : shape
  return inner.kind === 'list' && inner.of.kind === 'ref' ? inner.of.name : undefined
}

class ContractWriter {
  private readonly types = new Map<string, IrType>()
  private readonly names = new Map<string, string>()
  private readonly ids = new Identifiers(FIXED_NAMES)
  private readonly modelNames = new Set<string>()
  /** Output types that must be the very schema of a context slot, so the router finds the merge slot. */
  private readonly sameAs = new Map<string, string>()

  constructor(
    private readonly doc: IrDocument,
    private readonly options: ContractOptions = {},
  ) {
    for (const t of doc.types) this.types.set(t.name, t)
    for (const t of byName(doc.types)) this.names.set(t.name, this.ids.claim(t.name))
    for (const t of doc.types) for (const r of typeRefs(t)) this.modelNames.add(r)
    for (const ch of doc.channels) for (const n of [ch.params, ch.clientMessage, ch.serverMessage]) if (n) this.modelNames.add(n)
    for (const name of this.modelNames) if (!this.types.has(name)) throw new IrError(`IR refers to the undeclared type '${name}'`)
    for (const fn of doc.functions) this.resolveMergeSlots(fn)
  }

  constOf(typeName: string): string {
    const name = this.names.get(typeName)
    if (!name) throw new IrError(`IR refers to the undeclared type '${typeName}'`)
    return name
  }

  private resolveMergeSlots(fn: IrFunction): void {
    const own = this.types.get(fn.output)
    if (own?.kind !== 'struct' || this.modelNames.has(own.name)) return
    const body = JSON.stringify(own.fields)
    for (const ctx of fn.merge) {
      const members = byName(this.doc.functions.filter((m) => m.context === ctx && m.name !== fn.name))
      for (const member of members) {
        const slot = this.types.get(member.output)
        const element = slot?.kind === 'alias' ? listElement(slot.shape) : undefined
        const target = slot?.kind === 'struct' ? slot : element ? this.types.get(element) : undefined
        if (target?.kind === 'struct' && JSON.stringify(target.fields) === body) {
          this.sameAs.set(own.name, target.name)
          return
        }
      }
    }
  }

  private shape(shape: IrShape): string {
    switch (shape.kind) {
      case 'primitive':
        return { integer: 'z.number().int()', number: 'z.number()', boolean: 'z.boolean()', string: 'z.string()' }[shape.name]
      case 'ref':
        return this.constOf(shape.name)
      case 'enum':
        return shape.values.length ? `z.enum([${shape.values.map(quote).join(', ')}])` : 'z.never()'
      case 'list':
        return `z.array(${this.shape(shape.of)})`
      case 'optional':
        return `${this.shape(shape.of)}.nullable()`
      case 'union':
        if (shape.branches.length === 1) return this.shape(shape.branches[0]!)
        return shape.branches.length ? `z.union([${shape.branches.map((b) => this.shape(b)).join(', ')}])` : 'z.never()'
    }
  }

  private field(field: IrField, emitted: Set<string>): string {
    let expr = this.shape(field.shape)
    if (!field.required) expr += field.default === undefined ? '.optional()' : `.default(${literal(field.default)})`
    const key = propertyKey(field.name)
    // A model defined further down (a cycle) is reached through a getter, which zod resolves lazily.
    const later = [...refsOf(field.shape, new Set())].some((r) => !emitted.has(r))
    return later ? `  get ${key}() {\n    return ${expr}\n  },` : `  ${key}: ${expr},`
  }

  private typeDeclaration(type: IrType, emitted: Set<string>): string {
    const meta = this.modelNames.has(type.name) ? `.meta({ id: ${quote(type.name)} })` : ''
    const head = `export const ${this.constOf(type.name)} = `
    if (type.kind === 'alias') return `${head}${this.shape(type.shape)}${meta}`
    if (!type.fields.length) return `${head}z.object({})${meta}`
    return `${head}z.object({\n${type.fields.map((f) => this.field(f, emitted)).join('\n')}\n})${meta}`
  }

  /** Types in dependency order (sorted otherwise), so every schema a schema uses is defined first. */
  typeSection(): string[] {
    const out: string[] = []
    const emitted = new Set<string>()
    const visiting = new Set<string>()
    const visit = (type: IrType) => {
      if (emitted.has(type.name) || visiting.has(type.name) || this.sameAs.has(type.name)) return
      visiting.add(type.name)
      for (const r of typeRefs(type)) visit(this.types.get(r)!)
      visiting.delete(type.name)
      out.push(this.typeDeclaration(type, emitted))
      emitted.add(type.name)
    }
    for (const type of byName(this.doc.types)) visit(type)
    for (const [name, target] of this.sameAs) out.push(`/** The merge slot's own schema, so the router finds the slot this mutation merges into. */\nexport const ${this.constOf(name)} = ${this.constOf(target)}`)
    return out
  }

  private declaration(fn: IrFunction, extra: { private?: boolean } = {}): string {
    const parts: string[] = []
    const { keepName } = routerKey(fn.name, fn.camel)
    if (keepName) parts.push(`name: ${quote(fn.name)}`)
    if (fn.context) parts.push(`context: ${quote(fn.context)}`)
    if (fn.input) parts.push(`input: ${this.constOf(fn.input)}`)
    if (this.types.has(fn.output)) {
      const type = this.types.get(fn.output)!
      const alreadyNullable = type.kind === 'alias' && type.shape.kind === 'optional'
      parts.push(`output: ${this.constOf(fn.output)}${fn.outputNullable && !alreadyNullable ? '.nullable()' : ''}`)
    }
    const list = (items: string[]) => (items.length === 1 ? quote(items[0]!) : `[${items.map(quote).join(', ')}]`)
    if (fn.affects.length) parts.push(`affects: ${list(fn.affects)}`)
    if (fn.merge.length) parts.push(`merge: ${list(fn.merge)}`)
    if (fn.transport === 'websocket') parts.push('websocket: true')
    if (extra.private) parts.push('private: true')
    parts.push(...policyParts(this.options.policies?.[fn.name] ?? policyOfIr(fn)))
    if (fn.errors?.length) {
      const specs = fn.errors.map((e) => `${e.code}: { status: ${e.status}${e.details ? `, details: ${this.constOf(e.details)}` : ''} }`)
      parts.push(`errors: defineErrors({ ${specs.join(', ')} })`)
    }
    return `declareClient(${parts.length ? `{ ${parts.join(', ')} }` : '{}'})`
  }

  /** A form is declared whole when its three functions are exactly `<name>.schema|validate|submit`. */
  private formGroups(): Map<string, IrFunction[]> {
    const groups = new Map<string, IrFunction[]>()
    for (const fn of this.doc.functions) {
      const name = fn.form?.name
      if (name !== undefined) groups.set(name, [...(groups.get(name) ?? []), fn])
    }
    for (const [name, fns] of groups) {
      const roles = fns.map((f) => `${f.form?.role}:${f.name}`).sort()
      if (roles.join() !== ['schema', 'submit', 'validate'].map((r) => `${r}:${name}.${r}`).join()) groups.delete(name)
    }
    return groups
  }

  routerSection(): string[] {
    const entries: [string, string][] = []
    const forms = this.formGroups()
    const inForm = new Set([...forms.values()].flat().map((f) => f.name))
    for (const [name, fns] of forms) {
      const { key, keepName } = routerKey(name, irCamel(name))
      const submit = fns.find((f) => f.form?.role === 'submit')!
      const parts = keepName ? [`name: ${quote(name)}`] : []
      if (submit.affects.length) parts.push(`affects: [${submit.affects.map(quote).join(', ')}]`)
      if (submit.merge.length) parts.push(`merge: [${submit.merge.map(quote).join(', ')}]`)
      entries.push([key, `declareForm(${parts.length ? `{ ${parts.join(', ')} }` : ''})`])
    }
    for (const fn of this.doc.functions) if (!inForm.has(fn.name)) entries.push([routerKey(fn.name, fn.camel).key, this.declaration(fn)])
    // Private members are listed in their context but not as functions: declare them, so the bundle type is whole.
    const listed = new Set(this.doc.functions.map((f) => f.name))
    for (const ctx of this.doc.contexts) {
      for (const member of ctx.functions.filter((m) => !listed.has(m))) {
        const camel = irCamel(member)
        const fn: IrFunction = { name: member, camel, hasInput: false, output: `${camel}Output`, outputNullable: false, transport: 'http', context: ctx.name, affects: [], merge: [] }
        if (this.types.has(`${camel}Input`)) fn.input = `${camel}Input`
        entries.push([routerKey(member, camel).key, this.declaration(fn, { private: true })])
        listed.add(member)
      }
    }
    const seen = new Set<string>()
    for (const [key] of entries) {
      if (seen.has(key)) throw new IrError(`two IR functions map to the router key '${key}'`)
      seen.add(key)
    }
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, decl]) => `  ${propertyKey(key)}: ${decl},`)
  }

  channelSection(): string[] {
    if (!this.doc.channels.length) return []
    const lines = byName(this.doc.channels).map((ch) => {
      const parts = [
        ch.params && `params: ${this.constOf(ch.params)}`,
        ch.clientMessage && `clientMessage: ${this.constOf(ch.clientMessage)}`,
        ch.serverMessage && `serverMessage: ${this.constOf(ch.serverMessage)}`,
      ].filter(Boolean)
      return `  ${propertyKey(ch.name)}: { ${parts.join(', ')} },`
    })
    return ['/** Channels of the backend (not callable through the router): their message schemas. */', 'export const channels = {', ...lines, '} as const']
  }
}

/** The contract module's source text for an IR document. */
export function irToContract(doc: IrDocument, options: ContractOptions = {}): string {
  const writer = new ContractWriter(doc, options)
  const uses = (name: string, code: string[]) => code.some((line) => line.includes(`${name}(`))
  const router = writer.routerSection()
  const imports = ['createRouter', 'declareClient', 'declareForm', 'defineErrors'].filter((n) => n === 'createRouter' || uses(n, router))
  const channels = writer.channelSection()
  const blocks = [
    [
      `// Generated by \`mizan contract\`${options.source ? ` from ${options.source}` : ''}. Regenerate it rather than editing it.`,
      '// Declarations only: calls go to the backend that implements them; `AppRouter` types the client.',
      `import { z } from ${quote(options.zod ?? 'zod')}`,
      `import { ${imports.join(', ')} } from ${quote(options.runtime ?? 'mizan-ts/server')}`,
    ],
    writer.typeSection(),
    ['export const contract = createRouter({', ...router, '})', '', 'export type AppRouter = typeof contract'],
    channels,
  ]
  return `${blocks
    .filter((b) => b.length)
    .map((b) => b.join('\n'))
    .join('\n\n')}\n`
}
