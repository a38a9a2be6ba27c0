import { expectTypeOf, it } from 'vitest'
import type { WebSocketClientOptions } from '../../src/client/ws-transport.ts'
import type { WebSocketOptions } from '../../src/server/adapters/ws.ts'

it('batch is a plain opt-in flag on the client, with its bound on the server', () => {
  expectTypeOf<WebSocketClientOptions['batch']>().toEqualTypeOf<boolean | undefined>()
  expectTypeOf<WebSocketOptions['maxBatchFrames']>().toEqualTypeOf<number | undefined>()
  // @ts-expect-error: not a batch size; the client batches what one turn writes
  const sized: WebSocketClientOptions = { batch: 8 }
  void sized
})
