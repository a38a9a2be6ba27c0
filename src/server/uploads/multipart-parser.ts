/**
 * A streaming `multipart/form-data` reader (RFC 7578): parts are handed to a sink as their bytes
 * arrive, so a large file never sits in memory whole. Anything malformed is a `BAD_REQUEST`.
 */
import { MizanError } from '../../shared/errors.ts'

export interface PartHeaders {
  name: string
  /** Present for a file part (possibly `''` when the browser sent no name). */
  filename: string | undefined
  contentType: string | undefined
}

export interface PartSink {
  data(chunk: Buffer): void | Promise<void>
  end(): void | Promise<void>
}

const MAX_HEADER_BYTES = 16 * 1024
// A string, not a Buffer made at load time: the module loads on runtimes without a global Buffer (Workers).
const HEADER_END = '\r\n\r\n'

export function malformed(why: string): MizanError {
  return new MizanError('BAD_REQUEST', `Malformed multipart/form-data body: ${why}`)
}

/** The boundary of a `multipart/form-data` Content-Type, or a 400. */
export function boundaryOf(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (!boundary) throw malformed('no boundary in Content-Type')
  return boundary
}

function parseHeaders(block: string): PartHeaders {
  let disposition: string | undefined
  let contentType: string | undefined
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw malformed('bad part header')
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key === 'content-disposition') disposition = value
    else if (key === 'content-type') contentType = value
  }
  if (!disposition || !/^form-data\b/i.test(disposition)) throw malformed('part without Content-Disposition: form-data')
  const params: Record<string, string> = {}
  for (const m of disposition.matchAll(/;\s*([\w*-]+)=(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g)) {
    params[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '')
  }
  const name = params['name']
  if (name === undefined) throw malformed('part without a name')
  return { name, filename: params['filename'], contentType }
}

/**
 * Reads the body to its closing delimiter, calling `onPart` for each part's headers and writing
 * its bytes to the sink it returns (awaited, so a slow sink slows the reading).
 */
export async function parseMultipart(body: AsyncIterable<Uint8Array>, boundary: string, onPart: (headers: PartHeaders) => PartSink | Promise<PartSink>): Promise<void> {
  // The body starts with the delimiter without its CRLF: prepending one makes every delimiter alike.
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  let buf: Buffer = Buffer.from('\r\n')
  let state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done' = 'preamble'
  let sink: PartSink | undefined
  const keep = delimiter.length + 1

  for await (const chunk of body) {
    // A chunk is not copied onto the carried tail (a few dozen bytes) unless the tail is waiting
    // for a delimiter it may complete: copying every chunk left its size in garbage per chunk.
    const next = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (buf.length === 0) buf = next
    else if (state === 'body' && buf.length <= keep) {
      const window = Buffer.concat([buf, next.subarray(0, keep)])
      const at = window.indexOf(delimiter)
      if (at === -1 || at >= buf.length) {
        // No delimiter starts in the tail: it is body, and the chunk is searched on its own.
        if (buf.length) await sink?.data(buf)
        buf = next
      } else buf = Buffer.concat([buf, next])
    } else buf = Buffer.concat([buf, next])
    for (;;) {
      if (state === 'done') break
      if (state === 'preamble') {
        const at = buf.indexOf(delimiter)
        if (at === -1) {
          buf = buf.subarray(Math.max(0, buf.length - keep))
          break
        }
        buf = buf.subarray(at + delimiter.length)
        state = 'after-delimiter'
      }
      if (state === 'after-delimiter') {
        if (buf.length < 2) break
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'done'
          break
        }
        // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
        const eol = buf.indexOf('\r\n')
        if (eol === -1) {
          if (buf.length > 256) throw malformed('bad delimiter line')
          break
        }
        if (buf.subarray(0, eol).toString('latin1').trim() !== '') throw malformed('bad delimiter line')
        buf = buf.subarray(eol + 2)
        state = 'headers'
      }
      if (state === 'headers') {
        const end = buf.indexOf(HEADER_END)
        if (end === -1) {
          if (buf.length > MAX_HEADER_BYTES) throw malformed('part headers too long')
          break
        }
        sink = await onPart(parseHeaders(buf.subarray(0, end).toString('utf8')))
        buf = buf.subarray(end + HEADER_END.length)
        state = 'body'
      }
      if (state === 'body') {
        const at = buf.indexOf(delimiter)
        if (at === -1) {
          // The tail could be the start of a delimiter split across chunks: keep it for the next one.
          const safe = buf.length - keep
          if (safe > 0) {
            await sink?.data(buf.subarray(0, safe))
            buf = Buffer.from(buf.subarray(safe))
          }
          break
        }
        if (at > 0) await sink?.data(buf.subarray(0, at))
        await sink?.end()
        sink = undefined
        buf = buf.subarray(at + delimiter.length)
        state = 'after-delimiter'
      }
    }
  }
  if (state !== 'done') throw malformed('the body ended before its closing delimiter')
}
