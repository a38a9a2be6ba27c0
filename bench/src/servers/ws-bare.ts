/**
 * The floor for the WS rows: a bare `ws` server doing the same work as the RPC frameworks per
 * frame (JSON.parse, the shared Zod schema, JSON.stringify of the reply), with no framework.
 */
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'
import { EchoInput } from '../shared/payload.ts'
import { listen } from './bare.ts'
import type { Started } from './types.ts'

export async function start(): Promise<Started> {
  const server = createServer((_req, res) => res.writeHead(404).end())
  const wss = new WebSocketServer({ server })
  wss.on('connection', (socket) =>
    socket.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id: number; args: unknown }
      const parsed = EchoInput.safeParse(msg.args)
      socket.send(JSON.stringify(parsed.success ? { id: msg.id, ok: true, result: parsed.data } : { id: msg.id, ok: false }))
    }),
  )
  const started = await listen(server)
  const close = started.close
  started.close = async () => {
    wss.close()
    await close()
  }
  return started
}
