/**
 * A server in its own process for the upload tests, so its memory is its own: it samples
 * heapUsed + arrayBuffers while an upload runs and reports the peak growth over the baseline.
 */
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { defineClient } from '../../src/server/defineClient.ts'
import { createRouter } from '../../src/server/router.ts'

const gc = (globalThis as { gc?: () => void }).gc
let baseline = 0
let peak = 0
/** What the upload left in memory when the handler got it, garbage collected first. */
let retained = 0
let peakBeforeHandler = 0
let heapBaseline = 0
/** The JS heap alone (Buffer contents live outside it, in arrayBuffers). */
let heapPeak = 0
let sampler: ReturnType<typeof setInterval> | undefined
/** A full collection, twice around a pause: V8 frees ArrayBuffer memory on a background sweeper, after gc() returns. */
async function collect(): Promise<void> {
  gc?.()
  await new Promise((resolve) => setTimeout(resolve, 30))
  gc?.()
}
const used = () => {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

export const uploadRouter = createRouter({
  setAvatar: defineClient({ input: z.object({ file: z.file(), caption: z.string(), size: z.number().optional() }) }, async ({ file, caption }) => {
    if (sampler) {
      peakBeforeHandler = Math.max(peak, used() - baseline)
      await collect()
      retained = used() - baseline
    }
    const hash = createHash('sha256')
    // Read as a stream: the handler must not be what holds the upload in memory either.
    for await (const chunk of file.stream() as unknown as AsyncIterable<Uint8Array>) hash.update(chunk)
    return { name: file.name, type: file.type, size: file.size, sha256: hash.digest('hex'), caption }
  }),
  report: defineClient({ input: z.object({ name: z.string() }) }, ({ name }) => new File([`report ${name}\n`], `${name}.txt`, { type: 'text/plain' })),
  memoryStart: defineClient({}, () => {
    gc?.()
    baseline = used()
    peak = 0
    heapBaseline = process.memoryUsage().heapUsed
    heapPeak = 0
    sampler = setInterval(() => {
      peak = Math.max(peak, used() - baseline)
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed - heapBaseline)
    }, 1)
    return { baseline }
  }),
  memoryRetained: defineClient({}, async () => {
    await collect()
    return { retained: used() - baseline }
  }),
  memoryPeak: defineClient({}, () => {
    clearInterval(sampler)
    peak = Math.max(peak, used() - baseline)
    sampler = undefined
    return { peak, retained, peakBeforeHandler, heapPeak }
  }),
})

export type UploadRouter = typeof uploadRouter

if (process.argv[1]?.endsWith('upload-server.ts')) {
  const server = createServer(createNodeHandler(uploadRouter, { csrf: false, maxUploadBytes: 20 * 1024 * 1024, maxFileBytes: 20 * 1024 * 1024, onError: (e) => console.error(e) }))
  server.listen(0, '127.0.0.1', () => console.log(`PORT ${(server.address() as AddressInfo).port}`))
  process.stdin.on('end', () => process.exit(0))
  process.stdin.resume()
}
