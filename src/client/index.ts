export { createMizanClient } from './mizan-client.ts'
export { realtimeOf } from './ws-transport.ts'
export { hasErrorCode, type MizanErrorCode } from './errors.ts'
export { createTokenManager, type TokenGrant, type TokenManager, type TokenManagerOptions } from './token-refresh.ts'
export { createNaming, type Naming } from './wire-names.ts'
export type {
  BaseClientOptions,
  CsrfOptions,
  FetchLike,
  HeadersOption,
  MizanClientOptions,
  MizanTransformer,
  RetryOptions,
  WireNamesOption,
} from './options.ts'
export type { CallOptions, CallOutcome, CallParameters, ContextOptions, ContextParameters, MizanClient, WireBundle } from './types.ts'
export { MizanError, isMizanError } from '../shared/errors.ts'
export type { InvalidateEntry, MergeEntry } from '../shared/protocol.ts'
