/**
 * Integers beyond 2^53 between our kernel and the live Django backend (issue #28): sent as
 * bigints, written as exact literals, and read back exact; Python's answers never reach the
 * caller rounded. The round-2 fixture (fixture_app/round2.py) has `big_echo` and `big_next`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exactJson } from '../../../src/client/exact-json.ts'
import { createMizanClient, MizanError, type MizanClient } from '../../../src/client/index.ts'
import { realtimeOf, webSocketTransport } from '../../../src/client/ws-transport.ts'
import { recordingWebSocket } from '../../ws/helpers.ts'
import type { round2FixtureRouter } from '../replay/round2-fixture-router.ts'
import { startPythonBackend, type PythonBackend } from './python-backend.ts'

let backend: PythonBackend
beforeAll(async () => {
  backend = await startPythonBackend({ variant: 'round2' })
})
afterAll(async () => {
  await backend?.stop()
})

const TWO_53 = 2n ** 53n

describe('kernel → Python: integers beyond 2^53', () => {
  it('round-trips exact bigints both ways, and safe ones stay numbers', async () => {
    const api: MizanClient<typeof round2FixtureRouter> = createMizanClient<typeof round2FixtureRouter>({
      dialect: 'izana',
      baseUrl: backend.baseUrl,
      json: exactJson,
    })
    expect((await api.call('bigEcho', { n: TWO_53 + 1n })).result).toEqual({ result: TWO_53 + 1n })
    expect((await api.call('bigEcho', { n: -(2n ** 63n) })).result).toEqual({ result: -(2n ** 63n) })
    expect((await api.call('bigEcho', { n: 10n ** 30n + 7n })).result).toEqual({ result: 10n ** 30n + 7n })
    expect((await api.call('bigNext', { n: TWO_53 })).result).toEqual({ value: TWO_53 + 1n, halves: [2 ** 52, 2 ** 52] })
    // A safe integer is a plain JSON number on the wire, so it arrives as a number (§15).
    expect((await api.call('bigEcho', { n: 5n })).result).toEqual({ result: 5 })
  })

  it('without the exact-json plug-in, refuses big integers with a clear error instead of rounding them', async () => {
    const api = createMizanClient<typeof round2FixtureRouter>({ dialect: 'izana', baseUrl: backend.baseUrl })
    // A bigint argument: a MizanError naming the plug-in, not JSON.stringify's TypeError.
    const sent = await api.call('bigEcho', { n: TWO_53 + 1n }).catch((error: unknown) => error)
    expect(sent).toBeInstanceOf(MizanError)
    expect(sent).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('mizan-ts/client/exact-json') })
    // An answer holding 2^53 + 1: asked for with a numeric string, which Pydantic coerces to the int.
    const read = await api.call('bigEcho', { n: '9007199254740993' } as never).catch((error: unknown) => error)
    expect(read).toBeInstanceOf(MizanError)
    expect(read).toMatchObject({ code: 'INVALID_RESPONSE', message: expect.stringContaining('mizan-ts/client/exact-json') })
    // Safe integers and 16-digit strings still pass untouched.
    expect((await api.call('bigEcho', { n: 5 } as never)).result).toEqual({ result: 5 })
  })

  it('over the socket too: exact with the plug-in, a failed request naming it without', async () => {
    const RecordingSocket = recordingWebSocket({ sent: [], received: [], closes: [] })
    const socketClient = (exact: boolean) =>
      createMizanClient<typeof round2FixtureRouter>({
        dialect: 'izana',
        baseUrl: backend.baseUrl,
        transport: 'websocket',
        websocket: { connect: webSocketTransport, WebSocket: RecordingSocket },
        ...(exact ? { json: exactJson } : {}),
      })
    const exact = socketClient(true)
    const plain = socketClient(false)
    try {
      expect((await exact.call('wsBigEcho', { n: TWO_53 + 1n })).result).toEqual({ result: TWO_53 + 1n })
      // The reply frame holds 2^53 + 1: its request fails, it is not answered rounded.
      const read = await plain.call('wsBigEcho', { n: '9007199254740993' } as never).catch((error: unknown) => error)
      expect(read).toBeInstanceOf(MizanError)
      expect(read).toMatchObject({ code: 'INVALID_RESPONSE', message: expect.stringContaining('mizan-ts/client/exact-json') })
      expect((await plain.call('wsBigEcho', { n: 7 } as never)).result).toEqual({ result: 7 })
    } finally {
      realtimeOf(exact).connection.close()
      realtimeOf(plain).connection.close()
    }
  })
})
