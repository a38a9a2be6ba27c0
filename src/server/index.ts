export { defineClient, createDefineClient } from './defineClient.ts'
export type {
  AffectsTarget,
  AnyServerFunction,
  AuthRequirement,
  DefineClient,
  DefineClientOptions,
  MizanUser,
  RequestContext,
  ServerFunction,
} from './defineClient.ts'
export { createRouter, RouterDefinitionError } from './router.ts'
export type { AnyServerRouter, Router, RouterOptions } from './router.ts'
export { authorizeContextRead } from './context-access.ts'
export type { ContextAuthorize, ContextPolicy, ContextRead, ContextScope } from './context-access.ts'
export type { RequestContextFactory, RouterEnv } from './router.ts'
export type { Middleware, MiddlewareNext, MiddlewareOptions, MiddlewareResult } from './middleware.ts'
export { defineForm, createDefineForm } from './forms/define-form.ts'
export type { DefineFormOptions, FormDefinition, FormSchemaBody } from './forms/define-form.ts'
export type { FieldSchema, FieldHint } from './forms/field-schema.ts'
export { createCaller } from './caller.ts'
export type { Caller, CallerContext, CallerContextOf } from './caller.ts'
export { createDispatcher } from './dispatch.ts'
export { tracked, lastEventIdOf } from './streaming/stream-source.ts'
export type { Tracked } from './streaming/stream-source.ts'
export type { DispatchOptions, Dispatcher, MizanRequest, UserResolver } from './dispatch.ts'
export { MizanError } from '../shared/errors.ts'
export type { DeclaredError } from '../shared/errors.ts'
export { defineErrors } from './typed-errors.ts'
export type { ErrorFactory, ErrorSet, ErrorSpec } from './typed-errors.ts'
export * from './mizan.ts'
export { defineChannel, createDefineChannel } from './channels/define-channel.ts'
export type { ChannelDefinition, DefineChannelOptions } from './channels/define-channel.ts'
export { ChannelHub, createChannelHub } from './channels/hub.ts'
export type { ChannelHubOptions } from './channels/hub.ts'
export { MemoryBus } from './channels/bus.ts'
export type { ChannelBus } from './channels/bus.ts'
export type { InvalidationEvent } from './dispatch.ts'
export { declareClient, declareForm, createDeclareClient, createDeclareForm, createMizanContract, defineContract } from './contract.ts'
export type { DeclareClientOptions, DeclareFormOptions } from './contract.ts'
export { exportIr, buildIr, readIr, irToContract, renderIr, IrError } from './ir/index.ts'
export type { ExportIrOptions, ChannelSchemas, IrDocument, ContractOptions } from './ir/index.ts'
export { createIdentityResolver } from './auth/identity.ts'
export type { IdentityOptions } from './auth/identity.ts'
export { MwtIssuer, permissionKey } from './auth/mwt.ts'
export type { MwtClaims, MwtIdentity, MwtOptions, MwtSubject } from './auth/mwt.ts'
export { mwtObtain } from './auth/mwt-obtain.ts'
export { MemoryCache } from './cache/backend.ts'
export type { MemoryCacheOptions } from './cache/memory-cache.ts'
export { rateLimit, clientAddress, MemoryRateLimitStore } from './rate-limit/rate-limit.ts'
export type { RateLimitContext, RateLimitOptions, RateLimitOutcome, RateLimitRule, RateLimitStore, SlidingWindowRule, TokenBucketRule } from './rate-limit/rate-limit.ts'
export type { CacheBackend } from './cache/backend.ts'
// RedisCache has its own entry point, mizan-ts/cache/redis (as RedisBus has mizan-ts/channels/redis):
// exported here, it made every app load ioredis, and its typings cost every type-check of this entry.
export { deriveCacheKey } from './cache/keys.ts'
export type { ContextCacheOptions } from './cache/context-cache.ts'
export { readSettings, SettingsError } from './settings.ts'
export type { MizanSettings } from './settings.ts'
export type { CacheOption } from './cache/cache-settings.ts'
