/**
 * What the parts of a socket session reach: the server-wide environment every socket of one
 * `attachWebSocket` shares, and the few session services its handlers answer through.
 */
import type { MizanError } from '../../../shared/errors.ts'
import type { ChannelHub } from '../../channels/hub.ts'
import type { MizanUser, RequestContext } from '../../defineClient.ts'
import type { DispatchCore } from '../../dispatch-core.ts'
import type { ErrorReporter } from '../../execute.ts'
import type { AnyServerRouter } from '../../router.ts'
import type { Frame } from './frames.ts'

/** The per-socket limits, defaults already applied. */
export interface WsLimits {
  maxFrameBytes: number
  maxJsonDepth: number
  maxSubscriptions: number
  maxInFlight: number
  maxBatchFrames: number
  maxBufferedBytes: number
  idleTimeoutMs: number
}

export interface WsEnv {
  readonly router: AnyServerRouter
  readonly core: DispatchCore
  readonly hub: ChannelHub
  readonly report: ErrorReporter
  /** `formatError` of the options, made safe: what a client sees of any failure on the socket. */
  readonly formatError: (error: MizanError) => MizanError
  /** The socket path: failures that belong to no function are reported under it. */
  readonly path: string
  /** Prefix of the HTTP routes, named to callers of HTTP-only functions. */
  readonly httpPrefix: string
  readonly rpcMode: 'any' | 'websocket-only'
  /** A private function answers as an unknown one (`privateFunctions: 'not-found'`). */
  readonly hidePrivate: boolean
  readonly liveInvalidation: boolean
  /** The context's data depends on the caller (`scope: 'user'`): only that user's watchers hear of a change. */
  userScoped(context: string): boolean
  readonly limits: WsLimits
}

/** The session as its request, channel and watch handlers see it. */
export interface SessionLink {
  send(frame: Frame): void
  /** An error frame without an `id` (`{"error": "...", ...extra}`), its message through `formatError`. */
  refuse(error: MizanError, extra?: Frame): void
  sendText(text: string): void
  /** Identity is re-resolved for every request, so a revoked session or an expired token stops working mid-connection. */
  context(): Promise<RequestContext<MizanUser>>
  /** `context()` without a promise when identity needs no async work. */
  contextMaybeSync(): RequestContext<MizanUser> | Promise<RequestContext<MizanUser>>
  /** A MizanError as it is; anything else is reported and becomes INTERNAL_ERROR. */
  asMizanError(error: unknown, where: string): MizanError
  /** Resolves once the socket's unsent bytes fell under its high-water mark: streams wait on it. */
  drained(): Promise<void>
  /** Set once the socket closed: late work must not register anything. */
  readonly closed: boolean
  /** Channel subscriptions plus context watches: `maxSubscriptions` bounds both together. */
  readonly subscriptionCount: number
  /** The client id the socket was opened with (`?client=`), if any. */
  readonly clientId: string | undefined
}

/** Runs `release` for each name in turn; a failure is reported and the others still run. */
export async function releaseEach(env: WsEnv, names: Iterable<string>, release: (name: string) => Promise<void>): Promise<void> {
  for (const name of names) await release(name).catch((e: unknown) => env.report(e, { fn: env.path }))
}
