/**
 * A Fetch `Response` body written to a node response as it is read: a stream (server-sent
 * events, a download) goes out chunk by chunk, waiting for the socket to drain, and a client
 * that leaves cancels it, which stops the generator behind it.
 */
import type { ServerResponse } from 'node:http'

export async function writeResponseBody(res: ServerResponse, body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body) {
    res.end()
    return
  }
  const reader = body.getReader()
  let gone = false
  let wake: (() => void) | undefined
  const onClose = () => {
    if (res.writableFinished) return
    gone = true
    wake?.()
    reader.cancel().catch(() => {})
  }
  res.on('close', onClose)
  // Headers leave now: an event stream's reader must not wait for the first item to learn the status.
  if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.flushHeaders()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done || gone) break
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          wake = resolve
          res.once('drain', resolve)
        })
        wake = undefined
        if (gone) break
      }
    }
  } catch {
    // The body failed mid-way: nothing more to say on a response already under way.
    gone = true
    res.destroy()
  } finally {
    res.off('close', onClose)
    if (!gone) res.end()
    reader.releaseLock()
  }
}
