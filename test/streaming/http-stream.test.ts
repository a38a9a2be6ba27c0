/** Streaming functions over real HTTP (node adapter), read by the Mizan client as server-sent events. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { stream } from '../../src/client/stream.ts'
import { MizanError } from '../../src/shared/errors.ts'
import { defineClient } from '../../src/server/defineClient.ts'
import { listen } from '../server/adapters/serve.ts'
import { probe, streamRouter, type StreamRouter } from './stream-router.ts'

let server: Awaited<ReturnType<typeof listen>>
let client: ReturnType<typeof createMizanClient<StreamRouter>>

beforeAll(async () => {
  server = await listen(createNodeHandler(streamRouter, { csrf: false, onError: () => {}, streamHeartbeatMs: 50 }))
  client = createMizanClient<StreamRouter>({ baseUrl: `${server.url}/api/mizan`, csrf: false })
})
afterAll(() => server.close())
beforeEach(() => probe.reset())

describe('streaming over HTTP', () => {
  it('delivers 10,000 items in order while the generator stays within the socket buffers of the reader', async () => {
    let expected = 0
    let maxLead = 0
    for await (const item of stream(client, 'ticks', { n: 10_000, big: true })) {
      expect(item.i).toBe(expected++)
      if (expected === 100) {
        // A reader that stops reading: a buffering server would run the generator to the end.
        await new Promise((resolve) => setTimeout(resolve, 300))
      }
      maxLead = Math.max(maxLead, probe.produced - expected)
    }
    expect(expected).toBe(10_000)
    // 4 KB items: 10,000 of them are 40 MB. Whatever the generator ran ahead is what the
    // kernel's socket buffers hold (a few MB on loopback), never the whole stream.
    expect(maxLead).toBeLessThan(3_000)
  })

  it('stops the generator within 50 ms of the client aborting', async () => {
    const controller = new AbortController()
    let seen = 0
    let abortedAt = 0
    await expect(
      (async () => {
        for await (const _ of stream(client, 'endless', undefined, { signal: controller.signal })) {
          if (++seen === 20) {
            abortedAt = performance.now()
            controller.abort()
          }
        }
      })(),
    ).rejects.toMatchObject({ code: 'ABORTED' })
    await waitFor(() => probe.finallyAt > 0)
    expect(probe.finallyAt - abortedAt).toBeLessThan(50)
  })

  it('stops the generator when the reader leaves its loop', async () => {
    let leftAt = 0
    for await (const item of stream(client, 'endless')) {
      if (item === 10) {
        leftAt = performance.now()
        break
      }
    }
    await waitFor(() => probe.finallyAt > 0)
    expect(probe.finallyAt - leftAt).toBeLessThan(50)
  })

  it('wakes a generator that waits on ctx.signal when the client aborts', async () => {
    const controller = new AbortController()
    let abortedAt = 0
    const reading = (async () => {
      for await (const item of stream(client, 'sleepy', undefined, { signal: controller.signal })) {
        if (item === 'first') {
          abortedAt = performance.now()
          controller.abort()
        }
      }
    })()
    await expect(reading).rejects.toMatchObject({ code: 'ABORTED' })
    await waitFor(() => probe.finallyAt > 0)
    expect(probe.finallyAt - abortedAt).toBeLessThan(50)
  })

  it('answers a caller that did not ask for a stream with a 406 envelope, without starting the generator', async () => {
    const error = await client.call('ticks', { n: 3 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MizanError)
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 406 })
    expect((error as MizanError).message).toContain("'ticks' streams its result")
    expect(probe.started).toBe(0)
    // What a Python peer sees on the wire: the flat envelope, as JSON.
    const res = await fetch(`${server.url}/api/mizan/call/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"fn":"ticks","args":{"n":3}}' })
    expect(res.status).toBe(406)
    expect(await res.json()).toEqual({ error: true, code: 'BAD_REQUEST', message: "Function 'ticks' streams its result; send Accept: text/event-stream to read it" })
  })

  it('refuses an async function whose result turns out to stream, and closes it unread', async () => {
    const error = await client.call('late').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 406 })
    expect(probe.started).toBe(0)
  })

  it('ends a failing stream with an error event that carries no exception text', async () => {
    const seen: unknown[] = []
    const error = await (async () => {
      for await (const item of stream(client, 'failing')) seen.push(item)
    })().catch((e: unknown) => e)
    expect(seen).toEqual([1, 2])
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', message: 'An internal error occurred' })
    expect(String((error as Error).message)).not.toContain('secret')
  })

  it('checks each item against the output schema', async () => {
    const seen: unknown[] = []
    const error = await (async () => {
      for await (const item of stream(client, 'checked')) seen.push(item)
    })().catch((e: unknown) => e)
    expect(seen).toEqual([{ ok: true }])
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR' })
  })

  it('sends event ids, and resumes after Last-Event-ID', async () => {
    const ids: string[] = []
    const items: unknown[] = []
    for await (const item of stream(client, 'counter', { to: 3 }, { onEventId: (id) => ids.push(id) })) items.push(item)
    expect(items).toEqual([{ count: 0 }, { count: 1 }, { count: 2 }, { count: 3 }])
    expect(ids).toEqual(['0', '1', '2', '3'])
    const resumed: unknown[] = []
    for await (const item of stream(client, 'counter', { to: 3 }, { lastEventId: '1' })) resumed.push(item)
    expect(resumed).toEqual([{ count: 2 }, { count: 3 }])
  })

  it("hands a streaming mutation's invalidate entries to onFinal", async () => {
    let final: unknown
    for await (const _ of stream(client, 'bumpAll', undefined, { onFinal: (f) => (final = f) })) void _
    expect(final).toEqual({ invalidate: ['stats'] })
  })

  it('sends heartbeat comments while the generator is quiet', async () => {
    const controller = new AbortController()
    const res = await fetch(`${server.url}/api/mizan/call/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: '{"fn":"sleepy"}',
      signal: controller.signal,
    })
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    const reader = res.body!.getReader()
    let text = ''
    const until = Date.now() + 2000
    while (!text.includes(': ping') && Date.now() < until) text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    expect(text).toContain('data: "first"')
    expect(text).toContain(': ping')
  })

  it('streams through the Fetch adapter too', async () => {
    const handle = createFetchHandler(streamRouter, { csrf: false })
    const res = await handle(new Request('http://x/api/mizan/call/', { method: 'POST', headers: { Accept: 'text/event-stream' }, body: '{"fn":"ticks","args":{"n":3}}' }))
    const text = await res.text()
    expect(text).toBe(': stream\n\ndata: {"i":0,"pad":""}\n\ndata: {"i":1,"pad":""}\n\ndata: {"i":2,"pad":""}\n\nevent: done\ndata: {}\n\n')
  })

  it('refuses, when it is defined, a streaming handler its transports cannot carry', () => {
    expect(() => defineClient({ context: 'c' }, async function* () {})).toThrow(/cannot be a member of context 'c'/)
    expect(() => defineClient({ merge: 'c' }, async function* () {})).toThrow(/cannot `merge`/)
    expect(() => defineClient({ route: '/x/' }, async function* () {})).toThrow(/cannot be a view/)
  })
})

async function waitFor(check: () => boolean, ms = 1000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
}
