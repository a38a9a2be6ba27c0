/**
 * `mizan-ts/client`: the framework-free kernel, HTTP and JSON. Opt-in, from their own entries:
 * the WebSocket transport and `realtimeOf` (`mizan-ts/client/ws`), rich types
 * (`mizan-ts/client/superjson`) and the MWT token manager (`mizan-ts/client/token-refresh`).
 */
export { createMizanClient } from './mizan-client.ts'
export { hasErrorCode, type MizanErrorCode } from './errors.ts'
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
export type {
  Answer,
  CallOptions,
  CallOutcome,
  CallParameters,
  ContextOptions,
  ContextParameters,
  KernelParts,
  MizanClient,
  SocketConnector,
  WireBundle,
} from './types.ts'
export type { WebSocketClientOptions } from './ws/socket-options.ts'
export type { SocketLink } from './ws/realtime-types.ts'
export { MizanError, isMizanError } from '../shared/errors.ts'
export type { DeclaredError } from '../shared/errors.ts'
export type { ErrorOf } from '../shared/types.ts'
export type { InvalidateEntry, MergeEntry } from '../shared/protocol.ts'
