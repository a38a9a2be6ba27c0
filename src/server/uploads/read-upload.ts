/**
 * A form post with files, read as the reference reads one (`fn` a field, every other text field
 * an argument, as a string) plus the file parts, which become `File` arguments under their field
 * names. File bytes go to a temporary file as they arrive (the `File` reads from disk), so an
 * upload costs the server a buffer, not its size; the limits are enforced while reading.
 */
import type { FileHandle } from 'node:fs/promises'
import { MizanError } from '../../shared/errors.ts'
import { decodeUtf8 } from '../json-body.ts'
import { boundaryOf, parseMultipart, type PartHeaders, type PartSink } from './multipart-parser.ts'

/**
 * The file system, taken from the runtime when an upload arrives rather than imported: dispatch.ts
 * loads this module on every runtime, and a static `node:fs` import kept the fetch adapter from
 * loading at all on Cloudflare Workers, which have no file system (an upload there is a 501).
 */
function fileSystem() {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  const fs = runtime?.getBuiltinModule?.('node:fs') as typeof import('node:fs') | undefined
  const os = runtime?.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined
  if (!fs || !os) throw new MizanError('NOT_IMPLEMENTED', 'File uploads need a runtime with a file system')
  return { openAsBlob: fs.openAsBlob, mkdtemp: fs.promises.mkdtemp, open: fs.promises.open, rm: fs.promises.rm, tmpdir: os.tmpdir }
}

export interface UploadLimits {
  /** Largest file part, in bytes. */
  maxFileBytes: number
  /** All file parts of one request together, in bytes. */
  maxUploadBytes: number
  /** All text fields of one request together, in bytes. */
  maxFieldBytes: number
}

export interface UploadBody {
  body: { fn?: string; args: Record<string, unknown> }
  /** Removes the temporary files; call once the function has answered. */
  cleanup(): Promise<void>
}

function tooLarge(message: string): MizanError {
  return new MizanError('BAD_REQUEST', message, { status: 413 })
}

export async function readUpload(stream: AsyncIterable<Uint8Array>, contentType: string, limits: UploadLimits): Promise<UploadBody> {
  const boundary = boundaryOf(contentType)
  const args: Record<string, unknown> = Object.create(null)
  let fn: string | undefined
  let dir: string | undefined
  let files = 0
  let uploaded = 0
  let fieldBytes = 0
  const handles: FileHandle[] = []
  const cleanup = async () => {
    await Promise.all(handles.map((h) => h.close().catch(() => {})))
    if (dir) await fileSystem().rm(dir, { recursive: true, force: true }).catch(() => {})
  }

  function textSink(name: string): PartSink {
    const chunks: Buffer[] = []
    return {
      data(chunk) {
        fieldBytes += chunk.length
        if (fieldBytes > limits.maxFieldBytes) throw tooLarge(`Form fields exceed ${limits.maxFieldBytes} bytes`)
        chunks.push(Buffer.from(chunk))
      },
      end() {
        const value = decodeUtf8(Buffer.concat(chunks))
        if (name === 'fn') fn = value
        else args[name] = value
      },
    }
  }

  async function fileSink(part: PartHeaders): Promise<PartSink> {
    const { mkdtemp, open, tmpdir } = fileSystem()
    dir ??= await mkdtemp(`${tmpdir()}/mizan-upload-`)
    const path = `${dir}/${files++}`
    const handle = await open(path, 'w')
    handles.push(handle)
    let size = 0
    return {
      async data(chunk) {
        size += chunk.length
        uploaded += chunk.length
        if (size > limits.maxFileBytes) throw tooLarge(`File '${part.name}' exceeds ${limits.maxFileBytes} bytes`)
        if (uploaded > limits.maxUploadBytes) throw tooLarge(`Upload exceeds ${limits.maxUploadBytes} bytes`)
        await handle.write(chunk)
      },
      async end() {
        await handle.close()
        handles.splice(handles.indexOf(handle), 1)
        const type = part.contentType ?? 'application/octet-stream'
        args[part.name] = new File([await fileSystem().openAsBlob(path, { type })], part.filename ?? '', { type })
      },
    }
  }

  try {
    await parseMultipart(stream, boundary, (part) => (part.filename !== undefined ? fileSink(part) : textSink(part.name)))
  } catch (error) {
    await cleanup()
    throw error
  }
  return { body: fn === undefined ? { args } : { fn, args }, cleanup }
}
