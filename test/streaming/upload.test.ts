/** Uploads (multipart, streamed to disk with limits) and downloads over real HTTP, the server in its own process. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { download, upload } from '../../src/client/files.ts'
import type { UploadRouter } from './upload-server.ts'

const MB = 1024 * 1024
let child: ChildProcess
let base: string

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(new URL('./upload-server.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] })
  base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /PORT (\d+)/.exec(String(d))
      if (m) resolve(`http://127.0.0.1:${m[1]}/api/mizan`)
    })
    child.once('exit', (code) => reject(new Error(`upload server exited ${code}`)))
  })
}, 30_000)
afterAll(() => {
  child?.stdin?.end()
  child?.kill()
})

const client = () => createMizanClient<UploadRouter>({ baseUrl: base, csrf: false })

function bytes(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i += 4096) out[i] = (i / 4096) & 0xff
  return out
}

describe('uploads', () => {
  it('streams a 20 MB file to the handler with under 5 MB of server heap growth', async () => {
    const api = client()
    const data = bytes(20 * MB)
    const file = new File([data], 'big.bin', { type: 'application/x-test' })
    await api.call('memoryStart')
    const { result } = await upload(api, 'setAvatar', { file, caption: 'twenty' })
    const { result: memory } = await api.call('memoryPeak')
    expect(result).toEqual({ name: 'big.bin', type: 'application/x-test', size: 20 * MB, sha256: createHash('sha256').update(data).digest('hex'), caption: 'twenty' })
    // What the upload holds when the handler runs (collected first): a buffered upload would hold its 20 MB.
    expect(memory.retained).toBeLessThan(5 * MB)
    // Peaks without a forced collection are garbage-collector timing, not what the upload holds:
    // on a loaded 2-core box the JS heap's peak varied from 3 to 7 MB, and heapUsed + arrayBuffers
    // peaked near the upload's size (node's socket reads are fresh buffers, garbage once written
    // to disk). So the bound is on what is retained, twice: when the handler runs, and after.
    // A server that buffered the upload would retain its 20 MB at the first.
    const { result: after } = await api.call('memoryRetained')
    expect(after.retained).toBeLessThan(5 * MB)
  })

  it('answers 413 to an upload a MB over the limit, by its declared length and while streaming', async () => {
    const api = client()
    const over = new File([bytes(21 * MB)], 'over.bin')
    await expect(upload(api, 'setAvatar', { file: over, caption: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST', status: 413 })
    // No Content-Length: the limit is enforced as the parts are counted.
    const form = new Response(new FormData()).headers // placeholder to keep types simple
    void form
    const boundary = 'mizanTestBoundary'
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="fn"\r\n\r\nset_avatar\r\n--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nx\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`
    const chunk = new Uint8Array(MB)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(head))
        if (sent < 21) controller.enqueue(chunk)
        else {
          controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`))
          controller.close()
        }
        sent++
      },
    })
    const res = await fetch(`${base}/call/`, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({ error: true, code: 'BAD_REQUEST', message: `File 'file' exceeds ${20 * MB} bytes` })
    // The server keeps serving.
    expect((await upload(api, 'setAvatar', { file: new File(['ok'], 'ok.txt', { type: 'text/plain' }), caption: 'after' })).result).toMatchObject({ size: 2, caption: 'after' })
  })

  it('answers bad multipart with a 400 envelope', async () => {
    const post = (contentType: string, body: string) => fetch(`${base}/call/`, { method: 'POST', headers: { 'Content-Type': contentType }, body }).then(async (r) => [r.status, await r.json()])
    expect(await post('multipart/form-data', 'x')).toEqual([400, { error: true, code: 'BAD_REQUEST', message: 'Malformed multipart/form-data body: no boundary in Content-Type' }])
    expect(await post('multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="fn"\r\n\r\nset_avatar\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\ntruncated')).toEqual([
      400,
      { error: true, code: 'BAD_REQUEST', message: 'Malformed multipart/form-data body: the body ended before its closing delimiter' },
    ])
    expect(await post('multipart/form-data; boundary=b', '--b\r\nX-Nothing: 1\r\n\r\nv\r\n--b--\r\n')).toEqual([400, { error: true, code: 'BAD_REQUEST', message: 'Malformed multipart/form-data body: part without Content-Disposition: form-data' }])
  })

  it('validates the fields as the schema says: a missing file is a 422 naming it', async () => {
    await expect(upload(client(), 'setAvatar', { caption: 'no file' } as never)).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { fields: { file: ['Field required'] } } })
  })

  it('refuses input that a form cannot carry, before sending', async () => {
    await expect(upload(client(), 'setAvatar', { file: new File(['x'], 'x'), caption: { nested: true } } as never)).rejects.toThrow(/neither text nor a file/)
  })

  it('downloads a File a function returns, with its type and name', async () => {
    const api = client()
    const blob = await download(api, 'report', { name: 'q3' })
    expect(blob.type).toBe('text/plain')
    expect(await blob.text()).toBe('report q3\n')
    const res = await fetch(`${base}/call/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"fn":"report","args":{"name":"q3"}}' })
    expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''q3.txt")
  })
})
