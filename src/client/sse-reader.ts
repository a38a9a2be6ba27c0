/** Server-sent events off a fetch body: the fields of each event as the HTML standard parses them. */

export interface SseEvent {
  event: string
  data: string
  id: string | undefined
}

/** The events of a `text/event-stream` body, in order; comments (heartbeats) are skipped. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | undefined
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      // Lines are cut by position and the rest kept once per chunk: slicing the buffer per line
      // copied it over and over.
      let at = 0
      for (;;) {
        const eol = nextLineEnd(buffer, at)
        if (eol === -1) break
        // A CR ending the chunk may be the first half of a CRLF.
        if (eol === buffer.length - 1 && buffer.charCodeAt(eol) === 13) break
        const line = buffer.slice(at, eol)
        at = eol + (buffer.charCodeAt(eol) === 13 && buffer.charCodeAt(eol + 1) === 10 ? 2 : 1)
        if (line === '') {
          if (data.length) yield { event: event || 'message', data: data.length === 1 ? (data[0] as string) : data.join('\n'), id }
          event = ''
          data = []
          id = undefined
          continue
        }
        if (line.charCodeAt(0) === 58) continue // ':' a comment (heartbeat)
        const colon = line.indexOf(':')
        const field = colon === -1 ? line : line.slice(0, colon)
        let value = colon === -1 ? '' : line.slice(colon + 1)
        if (value.charCodeAt(0) === 32) value = value.slice(1)
        if (field === 'data') data.push(value)
        else if (field === 'event') event = value
        else if (field === 'id' && !value.includes('\0')) id = value
      }
      buffer = buffer.slice(at)
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

function nextLineEnd(text: string, from: number): number {
  const lf = text.indexOf('\n', from)
  const cr = text.indexOf('\r', from)
  return cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf)
}
