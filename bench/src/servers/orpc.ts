/**
 * oRPC as its docs set it up on Node: `os.input(schema).handler(...)` procedures (Zod 4 is a
 * Standard Schema, used directly) served by `RPCHandler` from `@orpc/server/node` with its
 * default plugins, mounted at `/rpc` on node:http.
 */
import { createServer } from 'node:http'
import { os } from '@orpc/server'
import { RPCHandler } from '@orpc/server/node'
import { EchoInput } from '../shared/payload.ts'
import { listen } from './bare.ts'
import type { Started } from './types.ts'

export const orpcRouter = {
  echo: os.input(EchoInput).handler(({ input }) => input),
}

export type OrpcRouter = typeof orpcRouter

export function start(): Promise<Started> {
  const handler = new RPCHandler(orpcRouter)
  const server = createServer(async (req, res) => {
    const { matched } = await handler.handle(req, res, { prefix: '/rpc', context: {} })
    if (!matched) {
      res.statusCode = 404
      res.end('Not found')
    }
  })
  return listen(server)
}
