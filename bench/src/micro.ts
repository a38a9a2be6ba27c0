/**
 * `node --import tsx src/micro.ts`: in-process cost per request of each hot-path piece, with no
 * sockets — the framework's own overhead separated from the kernel's. Not part of `npm run bench`.
 */
import { createDispatcher, type MizanRequest } from '../../src/server/dispatch.ts'
import type { AnyServerRouter } from '../../src/server/router.ts'
import { mizanRouter } from './servers/mizan.ts'
import { EchoInput, PAYLOAD } from './shared/payload.ts'

const body = JSON.stringify({ fn: 'echo', args: PAYLOAD })
const rawHeaders = { host: '127.0.0.1:1234', 'content-type': 'application/json', accept: 'application/json', 'content-length': String(body.length), connection: 'keep-alive' }

async function time(name: string, n: number, fn: () => unknown) {
  for (let i = 0; i < n / 5; i++) await fn()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await fn()
  const ns = Number(process.hrtime.bigint() - t0) / n
  console.log(`${name.padEnd(44)} ${(ns / 1000).toFixed(2).padStart(7)} µs`)
}

const dispatcher = createDispatcher(mizanRouter as unknown as AnyServerRouter, { csrf: false })
const url = new URL('http://localhost/api/mizan/call/')
const controller = new AbortController()
const headers = new Headers(rawHeaders)
const N = 200_000
await time('bare: JSON.parse + zod safeParse + stringify', N, () => JSON.stringify({ result: EchoInput.safeParse(JSON.parse(body)).data }))
await time('zod safeParse alone', N, () => EchoInput.safeParse(PAYLOAD))
await time('zod ~standard.validate alone', N, () => EchoInput['~standard'].validate(PAYLOAD))
await time('dispatcher.handle (prebuilt request)', N, () =>
  dispatcher.handle({ method: 'POST', url, headers, readBody: async () => body, raw: undefined, signal: controller.signal } satisfies MizanRequest),
)
await time('adapter: new URL(req.url)', N, () => new URL('/api/mizan/call/', 'http://localhost'))
await time('adapter: toHeaders (5 headers)', N, () => {
  const h = new Headers()
  for (const [k, v] of Object.entries(rawHeaders)) h.append(k, v)
  return h
})
await time('adapter: new AbortController + signal', N, () => new AbortController().signal)
await time('dispatch: new Headers() (responseHeaders)', N, () => new Headers())
await time('headers.get x2', N, () => headers.get('x-mizan-token') ?? headers.get('authorization'))
await time('JSON.parse alone', N, () => JSON.parse(body))
await time('JSON.stringify alone', N, () => JSON.stringify({ result: PAYLOAD }))
await time('bare again', N, () => JSON.stringify({ result: EchoInput.safeParse(JSON.parse(body)).data }))
await time('dispatcher.handle again', N, () =>
  dispatcher.handle({ method: 'POST', url, headers, readBody: async () => body, raw: undefined, signal: controller.signal } satisfies MizanRequest),
)
