/** The socket as the parts of a connection (requests, channels, watches) reach it. */
import type { ConnectionStatus } from './realtime-types.ts'

export interface Wire {
  readonly status: ConnectionStatus
  /** Sends when the socket is open; `false` when it is not (nothing is sent). */
  send(frame: Record<string, unknown>): boolean
  /** The same for text already serialized. */
  sendText(text: string): boolean
  /** Opens the socket if it is idle or closed, and not shut for good. */
  ensureOpen(): void
}
