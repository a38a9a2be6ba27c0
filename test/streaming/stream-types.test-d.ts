import { describe, expectTypeOf, it } from 'vitest'
import type { MizanClient } from '../../src/client/index.ts'
import { stream } from '../../src/client/stream.ts'
import type { StreamRouter } from './stream-router.ts'

declare const client: MizanClient<StreamRouter>

describe('client.stream', () => {
  it('types each item from what the generator yields, tracked items unwrapped', () => {
    expectTypeOf(stream(client, 'ticks', { n: 1 })).toEqualTypeOf<AsyncIterable<{ i: number; pad: string }>>()
    expectTypeOf(stream(client, 'counter', { to: 3 })).toEqualTypeOf<AsyncIterable<{ count: number }>>()
    expectTypeOf(stream(client, 'endless')).toEqualTypeOf<AsyncIterable<number>>()
  })

  it('types each item from the output schema when there is one', () => {
    expectTypeOf(stream(client, 'checked')).toEqualTypeOf<AsyncIterable<{ ok: true }>>()
  })

  it('checks the input and takes options after it', () => {
    // @ts-expect-error n must be a number
    void stream(client, 'ticks', { n: 'x' })
    void stream(client, 'endless', undefined, { signal: new AbortController().signal, lastEventId: '3' })
  })

  it('refuses keys that do not stream', () => {
    // @ts-expect-error echo answers once
    void stream(client, 'echo', { text: 'x' })
    // @ts-expect-error a context member
    void stream(client, 'stats')
  })
})

import { createStreamHooks, type StreamState } from '../../src/client/react/stream.ts'
const { useStream } = createStreamHooks<import('./stream-router.ts').StreamRouter>()

describe('useStream', () => {
  it('types the latest item and onData from the generator', () => {
    expectTypeOf(useStream('counter', { to: 3 })).toEqualTypeOf<StreamState<{ count: number }>>()
    void useStream('ticks', { n: 1 }, { onData: (item) => expectTypeOf(item).toEqualTypeOf<{ i: number; pad: string }>() })
    // @ts-expect-error echo does not stream
    void useStream('echo', { text: 'x' })
  })
})
