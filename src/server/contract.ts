/**
 * Contracts: a router made of declarations instead of implementations, for a backend that
 * lives elsewhere (a Python Mizan server, another service). `typeof contract` gives a client
 * the same `AppRouter` type an implemented router with the same options would, so hooks and
 * calls are typed without running any codegen against the backend.
 */
import { z } from 'zod'
import { MizanError } from '../shared/errors.ts'
import type { AnySchema, SchemaInput, SchemaOutput } from '../shared/types.ts'
import { createDefineClient, type AnyServerFunction, type DefineClientOptions, type MizanUser, type ServerFunction } from './defineClient.ts'
import { createDefineForm, type DefineFormOptions, type FormDefinition } from './forms/define-form.ts'
import { createRouter } from './router.ts'

export { createRouter }

/** A contract is a router: `defineContract` only says, at the call site, that it holds declarations. */
export const defineContract: typeof createRouter = createRouter

export type DeclareClientOptions<TUser extends MizanUser, TCtx, TIn, TOut, TName, TPrivate, TRoute, TView> = DefineClientOptions<
  TUser,
  TCtx,
  TIn,
  TOut,
  TName,
  TPrivate
> & {
  route?: TRoute
  /**
   * A view answers with a raw response, so clients cannot call it over RPC. An implemented
   * router learns that from the handler's return type; a declaration says so (a `route` implies it).
   */
  view?: TView
}

/** Without an output schema nothing is known of the result; an implementation would infer it from its handler. */
type DeclaredOutput<TOut> = TOut extends AnySchema ? SchemaOutput<TOut> : unknown
type DeclaredView<TRoute, TView> = [TView] extends [true] ? true : [TRoute] extends [string] ? true : false

/** Runtime trace of a declaration, for tools (the IR exporter) that must tell views apart. */
export interface DeclarationFacts {
  view: boolean
}

export function isDeclaration(fn: AnyServerFunction): fn is AnyServerFunction & { '~declared': DeclarationFacts } {
  return typeof (fn as { '~declared'?: unknown })['~declared'] === 'object'
}

function notImplemented(): never {
  throw new MizanError('NOT_IMPLEMENTED', 'This function is declared in a contract; the backend that implements it answers it')
}

/** Builds `declareClient` for an app's user type (its `auth` predicates see that type). */
export function createDeclareClient<TUser extends MizanUser>() {
  // Declarations reuse defineClient's normalization and checks, with a handler that refuses to run.
  const define = createDefineClient<TUser>() as unknown as (options: object, handler: () => never) => AnyServerFunction
  return function declareClient<
    const TCtx extends string | false = false,
    TIn extends AnySchema | undefined = undefined,
    TOut extends AnySchema | undefined = undefined,
    const TName extends string | undefined = undefined,
    const TPrivate extends boolean = false,
    const TRoute extends string | undefined = undefined,
    const TView extends boolean = false,
  >(
    options: DeclareClientOptions<TUser, TCtx, TIn, TOut, TName, TPrivate, TRoute, TView>,
  ): ServerFunction<SchemaInput<TIn>, DeclaredOutput<TOut>, TCtx extends string ? TCtx : false, TName, DeclaredView<TRoute, TView>, TPrivate> {
    const { view, ...rest } = options as { view?: boolean; route?: string }
    const fn = define(rest, notImplemented)
    const facts: DeclarationFacts = { view: view === true || typeof rest.route === 'string' }
    return Object.assign(fn, { '~declared': facts }) as never
  }
}

/** `declareClient` for the default user shape. */
export const declareClient = createDeclareClient<MizanUser>()

const anyValues = z.record(z.string(), z.unknown())

export type DeclareFormOptions<TUser extends MizanUser, TSchema extends AnySchema> = Omit<
  DefineFormOptions<TUser, TSchema, unknown>,
  'schema' | 'onSubmit' | 'output' | 'fields' | 'title' | 'subtitle' | 'submitLabel' | 'meta'
> & {
  /** The form's values, when known; a backend's IR does not carry them, so they default to any fields. */
  schema?: TSchema
}

/** Builds `declareForm` for an app's user type. */
export function createDeclareForm<TUser extends MizanUser>() {
  const defineForm = createDefineForm<TUser>()
  return function declareForm<TSchema extends AnySchema = typeof anyValues, TResult = unknown>(
    options: DeclareFormOptions<TUser, TSchema> = {},
  ): FormDefinition<SchemaInput<TSchema>, TResult> {
    const form = defineForm({ ...options, schema: (options.schema ?? anyValues) as TSchema, onSubmit: notImplemented })
    return form as unknown as FormDefinition<SchemaInput<TSchema>, TResult>
  }
}

/** `declareForm` for the default user shape. */
export const declareForm = createDeclareForm<MizanUser>()

/** The three declaration helpers bound to an app's user type, like `createMizan`. */
export function createMizanContract<TUser extends MizanUser = MizanUser>() {
  return { declareClient: createDeclareClient<TUser>(), declareForm: createDeclareForm<TUser>(), defineContract }
}
