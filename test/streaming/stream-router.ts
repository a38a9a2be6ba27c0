/** Streaming functions for the tests over real HTTP and WebSocket. */
import { z } from 'zod'
import { defineClient } from '../../src/server/defineClient.ts'
import { createRouter } from '../../src/server/router.ts'
import { tracked, lastEventIdOf } from '../../src/server/streaming/stream-source.ts'

/** What the generators did, for the tests to read. */
export const probe = {
  started: 0,
  produced: 0,
  finallyAt: 0,
  reset() {
    this.started = 0
    this.produced = 0
    this.finallyAt = 0
  },
}

const pad = 'x'.repeat(4000)

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
  })
}

export const streamRouter = createRouter({
  ticks: defineClient({ input: z.object({ n: z.number().int(), big: z.boolean().optional() }), websocket: true }, async function* ({ n, big }) {
    probe.started++
    for (let i = 0; i < n; i++) {
      probe.produced = i + 1
      yield { i, pad: big ? pad : '' }
    }
  }),
  endless: defineClient({ websocket: true }, async function* () {
    probe.started++
    try {
      for (let i = 0; ; i++) {
        probe.produced = i + 1
        yield i
        await new Promise((resolve) => setImmediate(resolve))
      }
    } finally {
      probe.finallyAt = performance.now()
    }
  }),
  /** Waits on a timer between items: cancellation reaches it through ctx.signal. */
  sleepy: defineClient({ websocket: true }, async function* (_input, ctx) {
    try {
      yield 'first'
      await sleep(10_000, ctx.signal)
      yield 'second'
    } finally {
      probe.finallyAt = performance.now()
    }
  }),
  failing: defineClient({}, async function* () {
    yield 1
    yield 2
    throw new Error('secret database password in this message')
  }),
  /** Items carry event ids; a reconnect resumes after the last one seen. */
  counter: defineClient({ input: z.object({ to: z.number().int() }) }, async function* ({ to }, ctx) {
    const after = Number(lastEventIdOf(ctx) ?? -1)
    for (let i = after + 1; i <= to; i++) yield tracked(i, { count: i })
  }),
  /** Counts every 10 ms; the first connection is cut after item 3, as a proxy or a network would. */
  ticker: defineClient({ input: z.object({ to: z.number().int() }) }, async function* ({ to }, ctx) {
    const resumeAfter = lastEventIdOf(ctx)
    for (let i = resumeAfter === undefined ? 0 : Number(resumeAfter) + 1; i <= to; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      if (i === 4 && resumeAfter === undefined) (ctx.raw as { socket: { destroy(): void } }).socket.destroy()
      yield tracked(i, { count: i })
    }
  }),
  /** Typed by its output schema, item by item. */
  checked: defineClient({ output: z.object({ ok: z.literal(true) }) }, async function* () {
    yield { ok: true as const }
    yield { ok: false } as unknown as { ok: true }
  }),
  /** An async function returning an iterable: known to stream only once it answered. */
  late: defineClient({}, async () => {
    async function* inner() {
      probe.started++
      yield 1
    }
    return inner()
  }),
  bumpAll: defineClient({ affects: 'stats' }, async function* () {
    yield 'bumping'
  }),
  stats: defineClient({ context: 'stats' }, () => ({ n: 1 })),
  echo: defineClient({ input: z.object({ text: z.string() }) }, ({ text }) => ({ text })),
})

export type StreamRouter = typeof streamRouter
