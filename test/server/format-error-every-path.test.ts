/**
 * Regression: `formatError` applied only to function and context failures. Channel frames,
 * stream errors (SSE and WebSocket), batch items, the caller's streams and the refusals made
 * before a function is looked up (bad body, unknown function, CSRF, a body too large, a bad
 * frame) went out unformatted. Every one is checked here over a real server, with a formatter
 * and without one (where no exception text of user code may leak).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { createCaller, createMizan, MizanError } from '../../src/server/index.ts'
import type { ErrorFormatter } from '../../src/server/format-error.ts'
import { FrameClient, startServer, type RunningServer } from '../ws/helpers.ts'
import { listen } from './adapters/serve.ts'

const { defineClient, defineChannel, createRouter } = createMizan()
const router = createRouter({
  echo: defineClient({ input: z.object({ s: z.string() }) }, ({ s }) => s),
  boom: defineClient({}, () => {
    throw new Error('secret call')
  }),
  ticks: defineClient({}, async function* () {
    yield 1
    throw new Error('secret stream')
  }),
  room: defineChannel({
    params: z.object({ id: z.string() }),
    clientMessage: z.object({ text: z.string() }),
    message: z.object({ text: z.string() }),
    authorize: ({ id }) => {
      if (id === 'throws') throw new Error('secret authorize')
      return id !== 'closed'
    },
    onMessage: () => {
      throw new Error('secret send')
    },
  }),
})

/** Tags every message with the transport, and shows the hidden exception's text (a development setting). */
const formatError: ErrorFormatter = (error, { transport }) => {
  const shown = error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message
  return new MizanError(error.code, `[${transport}] ${shown}`, { status: error.status, details: error.details })
}
const quiet = () => {}
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })

let formatted: RunningServer
let plain: RunningServer
let guarded: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  formatted = await startServer(router, { csrf: false, onError: quiet, formatError, maxBodyBytes: 512 })
  plain = await startServer(router, { csrf: false, onError: quiet, maxBodyBytes: 512 })
  guarded = await listen(createNodeHandler(router, { onError: quiet, formatError }))
})
afterAll(async () => {
  await formatted.close()
  await plain.close()
  await guarded.close()
})

/** Every error a client can meet over HTTP, as status + body text. */
async function httpErrors(base: string): Promise<{ status: number; text: string }[]> {
  const api = `${base}/api/mizan`
  const answers = await Promise.all([
    post(`${api}/call/`, 'not json'),
    post(`${api}/call/`, '[]'),
    post(`${api}/call/`, '{"fn":"nope"}'),
    post(`${api}/call/`, JSON.stringify({ fn: 'echo', args: { s: 'x'.repeat(600) } })),
    post(`${api}/call/`, '{"fn":"boom"}'),
    post(`${api}/batch/`, '{"batch":[{"fn":"nope"},{"fn":"boom"},{"fn":"echo","args":{"s":"ok"}}]}'),
    post(`${api}/call/`, '{"fn":"ticks"}', { accept: 'text/event-stream' }),
  ])
  return Promise.all(answers.map(async (res) => ({ status: res.status, text: await res.text() })))
}

/** Every error frame a socket client can meet. */
async function wsErrors(url: string): Promise<unknown[]> {
  const socket = await FrameClient.connect(url)
  const frames = [
    await socket.request('not json'),
    await socket.request({ action: 'fly' }),
    await socket.request({ action: 'rpc', fn: 'echo' }),
    await socket.request({ action: 'rpc', id: 1, fn: 'nope' }),
    await socket.request({ action: 'subscribe', channel: 'nope' }),
    await socket.request({ action: 'subscribe', channel: 'room', params: { id: 3 } }),
    await socket.request({ action: 'subscribe', channel: 'room', params: { id: 'closed' } }),
    await socket.request({ action: 'subscribe', channel: 'room', params: { id: 'throws' } }),
    await socket.request({ action: 'message', channel: 'room', params: { id: 'open' }, data: { text: 'hi' } }),
    await socket.request({ action: 'subscribe', channel: 'room', params: { id: 'open' } }),
    await socket.request({ action: 'message', channel: 'room', params: { id: 'open' }, data: { text: 'hi' } }),
    await socket.request({ action: 'rpc', id: 2, fn: 'ticks', stream: true }),
    await socket.next(),
  ]
  await socket.close()
  return frames
}

describe('formatError reaches every error a client sees', () => {
  it('over HTTP: refusals before any lookup, a body too large, batch items, an SSE stream error', async () => {
    const [badJson, notObject, unknown, tooLarge, boom, batch, sse] = await httpErrors(formatted.url)
    expect(badJson).toMatchObject({ status: 400, text: expect.stringContaining('"message":"[http] ') })
    expect(JSON.parse(notObject!.text)).toEqual({ error: true, code: 'BAD_REQUEST', message: '[http] Request body must be a JSON object' })
    expect(JSON.parse(unknown!.text)).toEqual({ error: true, code: 'NOT_FOUND', message: '[http] Function not found' })
    expect(tooLarge!.status).toBe(413)
    expect(JSON.parse(tooLarge!.text)).toEqual({ error: true, code: 'BAD_REQUEST', message: '[http] Request body exceeds 512 bytes' })
    expect(JSON.parse(boom!.text)).toEqual({ error: true, code: 'INTERNAL_ERROR', message: '[http] An internal error occurred (secret call)' })
    expect(JSON.parse(batch!.text)).toEqual({
      batch: [
        { error: true, code: 'NOT_FOUND', message: '[http] Function not found', status: 404 },
        { error: true, code: 'INTERNAL_ERROR', message: '[http] An internal error occurred (secret call)', status: 500 },
        { result: 'ok' },
      ],
    })
    expect(sse!.text).toContain('data: 1\n\n')
    expect(sse!.text).toContain(`event: error\ndata: ${JSON.stringify({ error: true, code: 'INTERNAL_ERROR', message: '[http] An internal error occurred (secret stream)' })}\n\n`)
  })

  it('over HTTP: a CSRF refusal', async () => {
    const res = await post(`${guarded.url}/api/mizan/call/`, '{"fn":"echo","args":{"s":"x"}}')
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ error: true, code: 'FORBIDDEN', message: expect.stringMatching(/^\[http\] /) })
  })

  it('over the WebSocket: bad frames, channel refusals, a failed send, a stream error', async () => {
    const frames = await wsErrors(formatted.wsUrl)
    expect(frames).toEqual([
      { error: '[ws] Invalid JSON' },
      { error: '[ws] Unknown action: fly' },
      { error: "[ws] RPC request missing 'id' field" },
      { id: 1, ok: false, error: { code: 'NOT_FOUND', message: "[ws] Function 'nope' not found" } },
      { error: '[ws] Unknown channel: nope' },
      { error: expect.stringMatching(/^\[ws\] Invalid params: /), channel: 'room' },
      { error: '[ws] Not authorized', channel: 'room' },
      { error: '[ws] Not authorized (secret authorize)', channel: 'room' },
      { error: '[ws] Not subscribed to room', channel: 'room' },
      { subscribed: true, channel: 'room', params: { id: 'open' } },
      { error: '[ws] An internal error occurred (secret send)', channel: 'room' },
      { id: 2, data: 1 },
      { id: 2, ok: false, error: { code: 'INTERNAL_ERROR', message: '[ws] An internal error occurred (secret stream)' } },
    ])
  })

  it("through the caller: a stream's failure", async () => {
    const caller = createCaller(router, { onError: quiet, formatError })
    const items: unknown[] = []
    const reading = (async () => {
      for await (const item of (await caller.ticks()) as AsyncIterable<unknown>) items.push(item)
    })()
    await expect(reading).rejects.toMatchObject({ code: 'INTERNAL_ERROR', message: '[caller] An internal error occurred (secret stream)' })
    expect(items).toEqual([1])
  })
})

describe('without a formatter no exception text of user code reaches a client', () => {
  it('on any of those paths', async () => {
    const http = await httpErrors(plain.url)
    const ws = await wsErrors(plain.wsUrl)
    const seen = JSON.stringify([http, ws])
    expect(seen).not.toContain('secret')
    expect(seen).toContain('An internal error occurred')
    expect(ws[7]).toEqual({ error: 'Not authorized', channel: 'room' })
    expect(ws[10]).toEqual({ error: 'An internal error occurred', channel: 'room' })
    const caller = createCaller(router, { onError: quiet })
    const reading = (async () => {
      for await (const _ of (await caller.ticks()) as AsyncIterable<unknown>) void _
    })()
    await expect(reading).rejects.toMatchObject({ code: 'INTERNAL_ERROR', message: 'An internal error occurred' })
  })
})
