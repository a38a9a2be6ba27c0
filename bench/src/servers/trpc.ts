/**
 * tRPC 11, as its docs set it up for production on Node: `initTRPC.create()`, the standalone
 * adapter (`createHTTPServer`), input validated by the shared Zod schema through
 * `.input()`, and `applyWSSHandler` on a `ws` server for the WebSocket rows.
 */
import { initTRPC } from '@trpc/server'
import { createHTTPServer } from '@trpc/server/adapters/standalone'
import { applyWSSHandler } from '@trpc/server/adapters/ws'
import { WebSocketServer } from 'ws'
import { EchoInput } from '../shared/payload.ts'
import { listen } from './bare.ts'
import type { Started, StartOptions } from './types.ts'

const t = initTRPC.create()

export const trpcRouter = t.router({
  echo: t.procedure.input(EchoInput).mutation(({ input }) => input),
})

export type TrpcRouter = typeof trpcRouter

export async function start(options: StartOptions = {}): Promise<Started> {
  const server = createHTTPServer({ router: trpcRouter, createContext: () => ({}) })
  const started = await listen(server)
  if (options.ws) {
    const wss = new WebSocketServer({ server })
    const handler = applyWSSHandler({ wss, router: trpcRouter, createContext: () => ({}) })
    const close = started.close
    started.close = async () => {
      handler.broadcastReconnectNotification()
      wss.close()
      await close()
    }
  }
  return started
}
