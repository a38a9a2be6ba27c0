// @vitest-environment jsdom
/** Subscriptions over SSE: reconnect with Last-Event-ID after a cut connection, and the React hook, against a real server. */
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { untyped } from '../../src/client/types.ts'
import { subscribeStream, type StreamStatus } from '../../src/client/stream.ts'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { createStreamHooks } from '../../src/client/react/stream.ts'
import { listen } from '../server/adapters/serve.ts'
import { streamRouter, type StreamRouter } from './stream-router.ts'

let server: Awaited<ReturnType<typeof listen>>
beforeAll(async () => {
  server = await listen(createNodeHandler(streamRouter, { csrf: false, onError: () => {} }))
})
afterAll(() => server.close())
afterEach(cleanup)

describe('subscribeStream', () => {
  it('reconnects after the connection is cut and resumes after the last event id, without gaps or repeats', async () => {
    const client = untyped(createMizanClient<StreamRouter>({ baseUrl: `${server.url}/api/mizan`, csrf: false, fetch: (url, init) => globalThis.fetch(url, init) }))
    const items: number[] = []
    const statuses: StreamStatus[] = []
    await new Promise<void>((resolve, reject) => {
      subscribeStream<{ count: number }>(client, 'ticker', { to: 8 }, {
        retryDelayMs: 20,
        onData: (item) => items.push(item.count),
        onStatus: (status) => {
          statuses.push(status)
          if (status === 'done') resolve()
        },
        onError: reject,
      })
    })
    expect(items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    expect(statuses).toEqual(['open', 'reconnecting', 'open', 'done'])
  })

  it('ends with the error an envelope carries, without retrying', async () => {
    const client = untyped(createMizanClient<StreamRouter>({ baseUrl: `${server.url}/api/mizan`, csrf: false, fetch: (url, init) => globalThis.fetch(url, init) }))
    const error = await new Promise((resolve) => subscribeStream(client, 'failing', undefined, { onData: () => {}, onError: resolve }))
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR' })
  })
})

const mizan = createMizanReact<StreamRouter>()
const { useStream } = createStreamHooks<StreamRouter>()
const seen: number[] = []

function Ticker() {
  const { data, status } = useStream('ticker', { to: 6 }, { onData: (item) => seen.push(item.count) })
  return <p>{`count ${data?.count ?? '-'} ${status}`}</p>
}

describe('useStream', () => {
  it('renders the latest item and the status, through a reconnect, until the stream is done', async () => {
    render(
      <mizan.MizanContext baseUrl={`${server.url}/api/mizan`} client={{ csrf: false, fetch: (url, init) => globalThis.fetch(url, init) }} global={false}>
        <Ticker />
      </mizan.MizanContext>,
    )
    expect(screen.getByText('count - connecting')).toBeTruthy()
    await waitFor(() => expect(screen.getByText('count 6 done')).toBeTruthy(), { timeout: 5000 })
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6])
  })
})
