/**
 * The inference-heavy types, in one place. The server builds values that carry these
 * phantom types; the client derives every hook and call signature from `typeof router`
 * alone, so it never needs the server's runtime code.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { ServerFunction } from '../server/defineClient.ts'
import type { DeclaredError, MizanError } from './errors.ts'
import type { NoParams } from './type-errors.ts'

export type AnySchema = StandardSchemaV1

/**
 * The constraint of a schema type parameter: any Standard Schema (zod, valibot, arktype…),
 * recognized by its `~standard` key alone. Spelling out `StandardSchemaV1` there would make
 * each inline `z.object(...)` infer against it as its contextual type, which for zod means
 * instantiating its whole Standard Schema interface (input and output types included) for
 * every schema of the app: a third of the type-check time of a large router.
 */
export interface SchemaArg {
  readonly '~standard': unknown
}

/**
 * Zod 4 schemas carry their types under `_zod`, where `z.input`/`z.output` read them; reading
 * them there spares the compiler instantiating the whole Standard Schema interface per schema.
 * Any other Standard Schema is read through `~standard.types`.
 */
interface ZodInputTyped {
  readonly _zod: { readonly input: unknown }
}
interface ZodOutputTyped {
  readonly _zod: { readonly output: unknown }
}

/** What a schema accepts from callers (`z.input`). `void` when the function takes nothing. */
export type SchemaInput<S> = S extends ZodInputTyped ? S['_zod']['input'] : S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : void
/** What a schema produces after parsing (`z.output`). */
export type SchemaOutput<S> = S extends ZodOutputTyped ? S['_zod']['output'] : S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : void

/**
 * What the types read of a server function's options, as it was defined (`const`-inferred, so
 * `context: 'user'` stays `'user'`). A missing key is unknown, which the readers take as absent.
 */
export interface FunctionOptionFacts {
  /** The input schema: callers pass what it takes in. */
  readonly input?: unknown
  /** The output schema: callers receive what it parses; without it, what the handler returns. */
  readonly output?: unknown
  /** Context name, or `false`/absent for a plain function or mutation. */
  readonly context?: string | false | undefined
  /** Wire-name override, or absent to derive it from the router key. */
  readonly name?: string | undefined
  /** View functions (mounted at a route) answer with a raw response and are not callable over RPC. */
  readonly route?: string | undefined
  /** Private functions exist on the server only. (`| undefined`: the declarations hold under `exactOptionalPropertyTypes`.) */
  readonly private?: boolean | undefined
  /**
   * The other options (auth, cache…), which the types do not read. An index signature of `any`
   * accepts any options type, interfaces included, and keeps this all-optional type from being
   * a "weak type" that an options object sharing none of its keys would fail to match.
   */
  // biome-ignore lint/suspicious/noExplicitAny: every function's option bag must be assignable here (see above)
  readonly [option: string]: any
}

/**
 * Type-level facts about one server function: its options and its handler's result, kept as
 * they are. Nothing is computed per function when it is defined; `InputOf`/`OutputOf` read the
 * schemas where a caller uses the function, so a router of thousands of functions does not
 * compute thousands of types nobody asks for.
 */
export interface FunctionTypes {
  options: FunctionOptionFacts
  /** What the handler returns (its awaited value is the output when there is no output schema). */
  result: unknown
}

/** Anything registered in a router carries its facts under this phantom key. */
export interface FunctionMarker<T extends FunctionTypes = FunctionTypes> {
  readonly '~mizan': 'function'
  readonly '~types': T
}

export type AnyFunctionMarker = FunctionMarker<FunctionTypes>

/** Type-level facts about a form: what its fields hold and what a successful submit returns. */
export interface FormTypes {
  values: unknown
  result: unknown
}

/** A form registers `<name>.schema`, `<name>.validate` and `<name>.submit`, and gives `use<Name>Form()`. */
export interface FormMarker<T extends FormTypes = FormTypes> {
  readonly '~mizan': 'form'
  readonly '~types': T
}

export type AnyFormMarker = FormMarker<FormTypes>

/** Type-level facts about a channel: its params, what subscribers receive, what clients may send. */
export interface ChannelTypes {
  params: unknown
  message: unknown
  clientMessage: unknown
}

/** A channel (`defineChannel`) gives `use<Name>Channel(params)` and `publish(channel, params, message)`. */
export interface ChannelMarker<T extends ChannelTypes = ChannelTypes> {
  readonly '~mizan': 'channel'
  readonly '~types': T
}

export type AnyChannelMarker = ChannelMarker<ChannelTypes>

export type RouterEntry = AnyFunctionMarker | AnyFormMarker | AnyChannelMarker

/**
 * The only constraint a router's entries get. It must not mention the entries' own type
 * parameters: a constraint that did would become the contextual type of an inline
 * `defineClient(...)` and widen its inferred context/private literals.
 */
export interface RouterEntryShape {
  readonly '~mizan': 'function' | 'form' | 'channel'
}

/** The slice of a router a client needs: its definitions, as a type. */
export interface RouterMarker<TDefs extends Record<string, RouterEntryShape> = Record<string, RouterEntry>> {
  readonly '~mizan': 'router'
  readonly defs: TDefs
}

/**
 * Any router, as the client's type parameters are constrained to it. Its entries are checked by
 * their kind alone: relating each entry's facts to `FunctionTypes` too, once per entry, cost
 * about a thirtieth of the check time of a 3,000-function router, and every reader of an
 * entry's facts matches them against its own shape anyway.
 */
export type AnyRouter = RouterMarker<Record<string, RouterEntryShape>>

/*
 * The key filters below run once per router key, so each is a single conditional against a
 * small shape: the entry's kind, and the few facts of its `~types` the filter needs. (Inferring
 * an entry's whole `FunctionTypes`, or comparing it with `FunctionMarker`, for each of the
 * thousands of keys of a large router cost the client more than all of its own calls.) They
 * distribute a conditional over the keys (`KeysWhere`), or over the entries themselves where
 * the keys are not needed (`ContextNames`, `HasWireNameOverrides`), which is cheaper per key
 * than indexing a mapped type.
 */
type Defs<R extends AnyRouter> = R['defs']

/** The keys of `D` whose entry extends `Shape`. */
type KeysWhere<D, Shape, K extends keyof D = keyof D> = K extends unknown ? (D[K] extends Shape ? K : never) : never

/** A function entry whose facts include `T`. */
interface FunctionFacts<T> {
  readonly '~mizan': 'function'
  readonly '~types': T
}

/**
 * A function entry whose options match `O`. Spelled as the entries' own type, `ServerFunction`,
 * so that matching an entry compares two type arguments (its options with `O`, its result with
 * `unknown`) instead of walking its members: the filters run once per key of the router.
 */
type FunctionWith<O extends FunctionOptionFacts> = ServerFunction<O, unknown>

/** Router keys of forms. */
export type FormKeys<R extends AnyRouter> = KeysWhere<Defs<R>, { readonly '~mizan': 'form' }> & string

/** Router keys of channels. */
export type ChannelKeys<R extends AnyRouter> = KeysWhere<Defs<R>, { readonly '~mizan': 'channel' }> & string

type ChannelTypesOf<R extends AnyRouter, K extends ChannelKeys<R>> = R['defs'][K] extends ChannelMarker<infer T> ? T : never
/** What `use<Name>Channel(params)` takes. */
export type ChannelParamsOf<R extends AnyRouter, K extends ChannelKeys<R>> = ChannelTypesOf<R, K>['params']
/** What subscribers of a channel receive. */
export type ChannelMessageOf<R extends AnyRouter, K extends ChannelKeys<R>> = ChannelTypesOf<R, K>['message']
/** What a client may `send` on a channel. */
export type ChannelClientMessageOf<R extends AnyRouter, K extends ChannelKeys<R>> = ChannelTypesOf<R, K>['clientMessage']

export type FormValuesOf<R extends AnyRouter, K extends FormKeys<R>> = R['defs'][K] extends FormMarker<infer T> ? T['values'] : never
export type FormResultOf<R extends AnyRouter, K extends FormKeys<R>> = R['defs'][K] extends FormMarker<infer T> ? T['result'] : never
type TypesOf<F> = F extends FunctionFacts<infer T extends FunctionTypes> ? T : never

/** Router keys of plain functions and mutations (callable over RPC). */
export type CallableKeys<R extends AnyRouter> = KeysWhere<Defs<R>, FunctionWith<CallableOptions>> & string

/** `K` when the entry under it is callable over RPC, else `never`: `CallableKeys` for one key. */
export type CallableKey<R extends AnyRouter, K extends keyof Defs<R>> = Defs<R>[K] extends FunctionWith<CallableOptions> ? K : never

/** A function is callable over RPC unless it reads a context, is private, or is a view. */
interface CallableOptions {
  readonly context?: false | undefined
  readonly private?: false | undefined
  readonly route?: undefined
  // Not a weak type (see FunctionOptionFacts): options with none of these keys match.
  // biome-ignore lint/suspicious/noExplicitAny: every function's option bag must be assignable here (see above)
  readonly [option: string]: any
}

/** Names of every context declared in the router. */
export type ContextNames<R extends AnyRouter> = ContextOfEntry<Defs<R>[keyof Defs<R>]> & string
type ContextOfEntry<E> = E extends FunctionWith<{ readonly context: infer C extends string }> ? C : never

/** Router keys of the members of context `C`. */
export type MemberKeys<R extends AnyRouter, C extends string> = KeysWhere<Defs<R>, FunctionWith<{ readonly context: C }>> & string

/** Router keys of every context member, whatever its context. */
export type AnyMemberKeys<R extends AnyRouter> = MemberKeys<R, string>

/** What the client passes to a function. */
export type InputOf<R extends AnyRouter, K extends keyof Defs<R>> = SchemaInput<TypesOf<Defs<R>[K]>['options']['input']>
/** What the client receives in `result`. */
export type OutputOf<R extends AnyRouter, K extends keyof Defs<R>> = ResultOf<TypesOf<Defs<R>[K]>>
/** The output schema's parsed type, else what the handler returns, awaited. */
export type ResultOf<T extends FunctionTypes> = T['options']['output'] extends SchemaArg ? SchemaOutput<T['options']['output']> : Awaited<T['result']>
/**
 * The errors a call of `K` may fail with: those its function declares (`errors: defineErrors(...)`),
 * each with its code and `details` type, and any of the protocol's own (`MizanError`). A
 * discriminated union: `if (error.code === 'OUT_OF_STOCK') error.details.sku`.
 */
export type ErrorOf<R extends AnyRouter, K extends keyof Defs<R>> = DeclaredErrorsOf<Defs<R>[K]> | MizanError
/** Distributes over the entries, so `ErrorOf<R, 'a' | 'b'>` is what either may fail with. */
type DeclaredErrorsOf<F> =
  F extends FunctionWith<{ readonly errors: { readonly '~errors': infer E } }> ? { [C in keyof E & string]: DeclaredError<C, DetailsOf<E[C]>> }[keyof E & string] : never
type DetailsOf<Spec> = Spec extends { readonly details: infer S } ? SchemaOutput<S> : undefined

export type ContextOf<R extends AnyRouter, K extends keyof Defs<R>> = TypesOf<Defs<R>[K]>['options']['context'] & string

type ObjectPart<T> = T extends object ? T : {}
type MemberInputs<R extends AnyRouter, C extends string> = {
  [K in MemberKeys<R, C>]: ObjectPart<InputOf<R, K>>
}[MemberKeys<R, C>]

type RequiredKeysOf<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T]
type Simplify<T> = { [K in keyof T]: T[K] } & {}
type ValueFor<U, K extends PropertyKey> = U extends unknown ? (K extends keyof U ? U[K] : never) : never
type AllKeys<U> = U extends unknown ? keyof U : never

type RequiredInAny<U> = U extends unknown ? RequiredKeysOf<U> : never
type ElevatedKeys<U> = keyof U & RequiredInAny<U>

/**
 * A context's params, elevated: a param that every member declares (and some member
 * requires) is required; any other is optional. `keyof` of a union is its shared keys.
 */
export type ContextParams<R extends AnyRouter, C extends string> = ParamsOrNone<
  Simplify<
    { [K in ElevatedKeys<MemberInputs<R, C>>]: ValueFor<MemberInputs<R, C>, K> } & {
      [K in Exclude<AllKeys<MemberInputs<R, C>>, ElevatedKeys<MemberInputs<R, C>>>]?: ValueFor<MemberInputs<R, C>, K>
    }
  >
>

/**
 * A context whose members take no input has no params: `{}` would accept any object (an
 * object literal is only checked for excess keys against a type that has some), so every key
 * is an error that says the context takes none.
 */
type ParamsOrNone<P> = [keyof P] extends [never] ? NoParams : P

/** The data of a context bundle, keyed by router key. */
export type ContextBundle<R extends AnyRouter, C extends string> = Simplify<{
  [K in MemberKeys<R, C>]: OutputOf<R, K>
}>

export type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void
  ? I
  : never

/** True when a context needs no params at all (so its hook takes none). */
export type HasRequiredParams<R extends AnyRouter, C extends string> =
  RequiredKeysOf<ContextParams<R, C>> extends never ? false : true

/**
 * Whether any function of the router overrides its wire name (without listing them): one
 * relation check of the union of all entries, cheaper than distributing over them. A router
 * known only by its index signature (`AnyRouter`) has none.
 */
export type HasWireNameOverrides<R extends AnyRouter> = string extends keyof Defs<R> ? false : [Defs<R>[keyof Defs<R>]] extends [UnnamedEntry] ? false : true
/** An entry that keeps its derived wire name: a form, a channel, or a function without `name`. */
type UnnamedEntry = { readonly '~mizan': 'form' | 'channel' } | FunctionWith<UnnamedOptions>
interface UnnamedOptions {
  readonly name?: undefined
  // Not a weak type (see FunctionOptionFacts): options with none of these keys match.
  // biome-ignore lint/suspicious/noExplicitAny: every function's option bag must be assignable here (see above)
  readonly [option: string]: any
}
type NamedFunction = FunctionWith<{ readonly name: string }>

/** Router keys that override their wire name, mapped to that name. */
export type WireNameOverrides<R extends AnyRouter> = Simplify<{
  [K in keyof Defs<R> as Defs<R>[K] extends NamedFunction ? K : never]: TypesOf<Defs<R>[K]>['options']['name']
}>

/** Arguments of a call: optional when the function takes no input or all of it is optional. */
export type CallArgs<TInput> = [TInput] extends [void]
  ? [input?: undefined]
  : {} extends TInput
    ? [input?: TInput]
    : [input: TInput]

/** `user_settings` / `userSettings` → `UserSettings`, for hook names. */
export type PascalCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Capitalize<Head>}${PascalCase<Tail>}`
  : Capitalize<S>
