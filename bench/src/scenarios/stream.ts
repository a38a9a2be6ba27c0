/**
 * Streaming and batching (issue #30): items per second of one 10,000-item async generator read
 * over Mizan's SSE and WebSocket streams beside tRPC 11's httpBatchStreamLink (and
 * httpSubscriptionLink when Node has an EventSource), all on the same generator; and calls per
 * second with 10 calls per tick, Mizan batched and unbatched beside tRPC's httpBatchLink.
 * Servers and clients share this process (as in the other client-side rows).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { initTRPC } from '@trpc/server'
import { createHTTPServer } from '@trpc/server/adapters/standalone'
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpLink, httpSubscriptionLink } from '@trpc/client'
import { WebSocket } from 'ws'
import { z } from 'zod'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { attachWebSocket } from '../../../src/server/adapters/ws.ts'
import { defineClient } from '../../../src/server/defineClient.ts'
import { createRouter } from '../../../src/server/router.ts'
import { createMizanClient } from '../../../src/client/mizan-client.ts'
import { stream } from '../../../src/client/stream.ts'
import { batched } from '../../../src/client/batch.ts'
import { row, type Row, type ScenarioResult } from '../lib/report.ts'
import type { BenchOptions } from '../main.ts'

const ITEMS = 10_000
const TICKS = 300
const PER_TICK = 10

async function* ticks(n: number) {
  for (let i = 0; i < n; i++) yield { i }
}

const mizanRouter = createRouter({
  ticks: defineClient({ input: z.object({ n: z.number().int() }), websocket: true }, ({ n }) => ticks(n)),
  echo: defineClient({ input: z.object({ text: z.string() }) }, ({ text }) => ({ text })),
})
type MizanRouter = typeof mizanRouter

const t = initTRPC.create()
const trpcRouter = t.router({
  ticks: t.procedure.input(z.object({ n: z.number().int() })).query(({ input }) => ticks(input.n)),
  sub: t.procedure.input(z.object({ n: z.number().int() })).subscription(({ input }) => ticks(input.n)),
  echo: t.procedure.input(z.object({ text: z.string() })).mutation(({ input }) => input),
})

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

async function timed(run: () => Promise<number>, trials: number): Promise<number[]> {
  await run() // warm-up
  const rates: number[] = []
  for (let i = 0; i < trials; i++) {
    const start = performance.now()
    const count = await run()
    rates.push(count / ((performance.now() - start) / 1000))
  }
  return rates
}

export async function runStream(o: BenchOptions): Promise<ScenarioResult> {
  const trials = o.quick ? 3 : 5
  const notes: string[] = []
  const rows: Row[] = []
  const mizanHttp = createServer(createNodeHandler(mizanRouter, { csrf: false }))
  const wsServer = attachWebSocket(mizanHttp, mizanRouter, {})
  const mizanHost = await listen(mizanHttp)
  const trpcServer = createHTTPServer({ router: trpcRouter, createContext: () => ({}) })
  const trpcHost = await listen(trpcServer as unknown as Server)
  try {
    const mizan = createMizanClient<MizanRouter>({ baseUrl: `http://${mizanHost}/api/mizan`, csrf: false })
    rows.push(row('stream', 'Mizan SSE (client/stream)', `items/s, ${ITEMS} items`, 'ops/s', await timed(async () => {
      let n = 0
      for await (const _ of stream(mizan, 'ticks', { n: ITEMS })) n++
      return n
    }, trials)))

    const socket = new WebSocket(`ws://${mizanHost}${wsServer.path}`)
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    let id = 0
    rows.push(row('stream', 'Mizan WebSocket (raw frames)', `items/s, ${ITEMS} items`, 'ops/s', await timed(
      () =>
        new Promise<number>((resolve) => {
          const my = ++id
          let n = 0
          const onMessage = (data: Buffer) => {
            const frame = JSON.parse(String(data)) as { id: number; done?: boolean }
            if (frame.id !== my) return
            if (frame.done) {
              socket.off('message', onMessage)
              resolve(n)
            } else n++
          }
          socket.on('message', onMessage)
          socket.send(JSON.stringify({ action: 'rpc', id: my, fn: 'ticks', args: { n: ITEMS }, stream: true }))
        }),
      trials,
    )))
    socket.close()

    const trpcStream = createTRPCClient<typeof trpcRouter>({ links: [httpBatchStreamLink({ url: `http://${trpcHost}` })] })
    rows.push(row('stream', 'tRPC 11 httpBatchStreamLink', `items/s, ${ITEMS} items`, 'ops/s', await timed(async () => {
      let n = 0
      for await (const _ of await trpcStream.ticks.query({ n: ITEMS })) n++
      return n
    }, trials)))

    const EventSourceImpl = (globalThis as { EventSource?: unknown }).EventSource
    if (EventSourceImpl) {
      const trpcSub = createTRPCClient<typeof trpcRouter>({ links: [httpSubscriptionLink({ url: `http://${trpcHost}` })] })
      rows.push(row('stream', 'tRPC 11 httpSubscriptionLink', `items/s, ${ITEMS} items`, 'ops/s', await timed(
        () =>
          new Promise<number>((resolve, reject) => {
            let n = 0
            const sub = trpcSub.sub.subscribe({ n: ITEMS }, { onData: () => void n++, onComplete: () => resolve(n), onError: reject })
            void sub
          }),
        trials,
      )))
    } else notes.push(`tRPC httpSubscriptionLink not measured: it needs an EventSource, which Node ${process.version} does not have (no polyfill in the bench's dependencies).`)

    const tick = async (call: (i: number) => Promise<unknown>) => {
      for (let k = 0; k < TICKS; k++) await Promise.all(Array.from({ length: PER_TICK }, (_, i) => call(i)))
      return TICKS * PER_TICK
    }
    const plain = createMizanClient<MizanRouter>({ baseUrl: `http://${mizanHost}/api/mizan`, csrf: false })
    const grouped = batched(createMizanClient<MizanRouter>({ baseUrl: `http://${mizanHost}/api/mizan`, csrf: false }))
    const trpcBatch = createTRPCClient<typeof trpcRouter>({ links: [httpBatchLink({ url: `http://${trpcHost}` })] })
    const trpcPlain = createTRPCClient<typeof trpcRouter>({ links: [httpLink({ url: `http://${trpcHost}` })] })
    const measure = `calls/s, ${PER_TICK} calls per tick`
    rows.push(row('batch', 'Mizan unbatched', measure, 'ops/s', await timed(() => tick((i) => plain.call('echo', { text: `t${i}` })), trials)))
    rows.push(row('batch', 'Mizan batched (client/batch)', measure, 'ops/s', await timed(() => tick((i) => grouped.call('echo', { text: `t${i}` })), trials)))
    rows.push(row('batch', 'tRPC 11 httpLink (unbatched)', measure, 'ops/s', await timed(() => tick((i) => trpcPlain.echo.mutate({ text: `t${i}` })), trials)))
    rows.push(row('batch', 'tRPC 11 httpBatchLink', measure, 'ops/s', await timed(() => tick((i) => trpcBatch.echo.mutate({ text: `t${i}` })), trials)))
  } finally {
    await wsServer.close()
    mizanHttp.closeAllConnections()
    mizanHttp.close()
    ;(trpcServer as unknown as Server).closeAllConnections?.()
    trpcServer.close()
  }
  return { id: 'stream', title: 'Streaming and batching', settings: { items: ITEMS, ticks: TICKS, perTick: PER_TICK, trials }, rows, goals: [], notes }
}
