/**
 * The floor for the WS rows: a bare `ws` server doing the same work as the RPC frameworks per
 * frame (JSON.parse, the shared Zod schema, JSON.stringify of the reply), with no framework.
 * It corks its socket until the tick ends, so the replies to one read leave in one `writev`:
 * without that, the floor pays a system call per reply that Mizan does not, and is no floor.
 * A frame that is a JSON array (the floor for batching clients) is answered with one array.
 */
import { createServer } from 'node:http'
import { WebSocketServer } from 'ws'
import { EchoInput } from '../shared/payload.ts'
import { listen } from './bare.ts'
import type { Started } from './types.ts'

interface Call {
  id: number
  args: unknown
}

function answer(call: Call) {
  const parsed = EchoInput.safeParse(call.args)
  return parsed.success ? { id: call.id, ok: true, result: parsed.data } : { id: call.id, ok: false }
}

export async function start(): Promise<Started> {
  const server = createServer((_req, res) => res.writeHead(404).end())
  const wss = new WebSocketServer({ server })
  wss.on('connection', (socket, req) => {
    const raw = req.socket
    let corked = false
    const uncork = () => {
      corked = false
      raw.uncork()
    }
    socket.on('message', (data) => {
      if (!corked) {
        corked = true
        raw.cork()
        process.nextTick(uncork)
      }
      const frame = JSON.parse(data.toString()) as Call | Call[]
      socket.send(JSON.stringify(Array.isArray(frame) ? frame.map(answer) : answer(frame)))
    })
  })
  const started = await listen(server)
  const close = started.close
  started.close = async () => {
    wss.close()
    await close()
  }
  return started
}
