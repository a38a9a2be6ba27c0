/**
 * A node request body read as a stream for an upload. Stopping early (a limit was passed, the
 * multipart was malformed) must not destroy the socket, or the client never reads the answer:
 * the rest is read and dropped, up to a bound past which the connection is cut after all.
 */
import type { IncomingMessage } from 'node:http'
import { BodyEndedEarlyError } from '../http-parts.ts'

export function discardRest(req: IncomingMessage, bound: number): void {
  let dropped = 0
  req.removeAllListeners('data')
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length
    if (dropped > bound) req.destroy()
  })
  req.on('error', () => {})
  req.resume()
}

export async function* uploadBody(req: IncomingMessage, bound: number): AsyncGenerator<Uint8Array> {
  let finished = false
  const chunks = req.iterator({ destroyOnReturn: false })
  try {
    for (;;) {
      let step: IteratorResult<unknown>
      try {
        step = await chunks.next()
      } catch {
        // The stream errs only when the client left mid-body: its doing, not a server fault.
        finished = true
        throw new BodyEndedEarlyError()
      }
      if (step.done) break
      yield step.value as Buffer
    }
    finished = true
  } finally {
    // Read on through the same iterator: switching the stream to 'data' events left it stalled.
    if (!finished) void dropRest(chunks, req, bound)
  }
}

async function dropRest(chunks: AsyncIterator<unknown>, req: IncomingMessage, bound: number): Promise<void> {
  let dropped = 0
  try {
    for (;;) {
      const step = await chunks.next()
      if (step.done) return
      dropped += (step.value as Buffer).length
      if (dropped > bound) return void req.destroy()
    }
  } catch {
    // The client left: nothing more to drop.
  }
}
