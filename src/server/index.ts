export { defineClient, createDefineClient } from './defineClient.ts'
export type {
  AffectsTarget,
  AnyServerFunction,
  AuthRequirement,
  DefineClientOptions,
  MizanUser,
  RequestContext,
  ServerFunction,
} from './defineClient.ts'
export { createRouter, RouterDefinitionError } from './router.ts'
export type { AnyServerRouter, Router } from './router.ts'
export { defineForm, createDefineForm } from './forms/define-form.ts'
export type { DefineFormOptions, FormDefinition, FormSchemaBody } from './forms/define-form.ts'
export type { FieldSchema, FieldHint } from './forms/field-schema.ts'
export { createCaller } from './caller.ts'
export type { Caller, CallerContext } from './caller.ts'
export { createDispatcher } from './dispatch.ts'
export type { DispatchOptions, Dispatcher, MizanRequest, UserResolver } from './dispatch.ts'
export { MizanError } from '../shared/errors.ts'
export * from './mizan.ts'
