import type { Server } from 'node:http'

export interface Started {
  port: number
  server: Server
  /** Extra facts the orchestrator prints (e.g. why a WS row is pending). */
  notes?: Record<string, unknown>
  close(): Promise<void>
}

export interface StartOptions {
  /** Attach the framework's WebSocket transport on the same port (`/ws/` for us, any path for tRPC). */
  ws?: boolean
  /** Mizan only: the Redis origin cache for context bundles. */
  cache?: 'redis' | 'none'
}
