/**
 * Contracts: a router made of declarations instead of implementations, for a backend that
 * lives elsewhere (a Python Mizan server, another service). `typeof contract` gives a client
 * the same `AppRouter` type an implemented router with the same options would, so hooks and
 * calls are typed without running any codegen against the backend.
 */
import { z } from 'zod'
import { MizanError } from '../shared/errors.ts'
import type { SchemaArg, SchemaInput } from '../shared/types.ts'
import { createDefineClient, type AnyServerFunction, type DefineClientOptions, type MizanUser, type ServerFunction } from './defineClient.ts'
import { createDefineForm, type DefineFormOptions, type FormDefinition } from './forms/define-form.ts'
import { createRouter } from './router.ts'

export { createRouter }

/** A contract is a router: `defineContract` only says, at the call site, that it holds declarations. */
export const defineContract: typeof createRouter = createRouter

/** defineClient's options: everything but the handler. */
export type DeclareClientOptions<TUser extends MizanUser = MizanUser> = DefineClientOptions<TUser>

function notImplemented(): never {
  throw new MizanError('NOT_IMPLEMENTED', 'This function is declared in a contract; the backend that implements it answers it')
}

/** Builds `declareClient` for an app's user type (its `auth` predicates see that type). */
export function createDeclareClient<TUser extends MizanUser>() {
  // Declarations reuse defineClient's normalization and checks, with a handler that refuses to run.
  const define = createDefineClient<TUser>() as unknown as (options: object, handler: () => never) => AnyServerFunction
  // Without an output schema nothing is known of the result; an implementation would infer it from its handler.
  return function declareClient<const O extends DeclareClientOptions<TUser>>(options: O): ServerFunction<O, unknown> {
    return define(options, notImplemented) as never
  }
}

/** `declareClient` for the default user shape. */
export const declareClient = createDeclareClient<MizanUser>()

const anyValues = z.record(z.string(), z.unknown())

export type DeclareFormOptions<TUser extends MizanUser, TSchema extends SchemaArg> = Omit<
  DefineFormOptions<TUser, TSchema, unknown>,
  'schema' | 'onSubmit' | 'output' | 'fields' | 'title' | 'subtitle' | 'submitLabel' | 'meta'
> & {
  /** The form's values, when known; a backend's IR does not carry them, so they default to any fields. */
  schema?: TSchema
}

/** Builds `declareForm` for an app's user type. */
export function createDeclareForm<TUser extends MizanUser>() {
  const defineForm = createDefineForm<TUser>()
  return function declareForm<TSchema extends SchemaArg = typeof anyValues, TResult = unknown>(
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
