/**
 * The round-2 WebSocket golden cases (`r2-ws-*`, issue #28) recorded from Django Channels:
 * malformed frames, handler-raised errors, lax coercion and exact big integers over the socket,
 * a context read that stops at its first failing member, channel auth refusal and unsubscribe.
 * Replayed frame by frame against our adapter over real sockets, after the round-2 HTTP cases
 * recorded before them (the fixture keeps state). Frames are compared as exact JSON (bigints).
 */
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseJsonExact } from '../../../src/shared/exact-json.ts'
import { DIALECTS, type Dialect } from '../../../src/shared/protocol.ts'
import { FrameClient, startServer, type RunningServer } from '../../ws/helpers.ts'
import { fixtureServerOptions, freshFixture } from './fixture-server.ts'
import { loadGoldenCases, type GoldenCase } from './golden-cases.ts'
import { skipReason, translateRequest } from './replay-rules.ts'

const round2 = loadGoldenCases().filter((c) => c.server === 'round2')
const wsCases = round2.filter((c) => c.frames)

/**
 * Deliberate differences, each listed in PROTOCOL.md §15: the reference's consumer fails on a
 * frame that is not a JSON object and closes the socket with 1011; we answer an error frame in
 * the envelope and keep serving the socket (its next call is answered as recorded).
 */
const NOT_AN_OBJECT: Record<string, unknown> = {
  'r2-ws-malformed-text': { error: 'Invalid JSON' },
  'r2-ws-malformed-number': { error: 'Frame must be a JSON object' },
}

/** Pydantic's message texts are not ours to copy: the failing fields must match. */
function normalize(frame: unknown): unknown {
  const f = frame as { error?: { code?: string; details?: { fields?: Record<string, string[]> } } }
  if (typeof f?.error === 'object' && f.error?.code === 'VALIDATION_ERROR' && f.error.details?.fields && Object.keys(f.error.details.fields)[0] !== 'shelf') {
    return { ...f, error: { ...f.error, details: { fields: Object.keys(f.error.details.fields).sort() } } }
  }
  return frame
}

/** The recording is in the Izana spelling; the one prefix-bearing message follows the dialect. */
const exact = (step: { data: unknown; text?: string }, dialect: Dialect) =>
  step.text ? parseJsonExact(step.text.replaceAll(DIALECTS.izana.prefix, DIALECTS[dialect].prefix)) : step.data

describe.each<Dialect>(['izana', 'mizan'])('round-2 WebSocket golden frames (%s spelling)', (dialect) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer(freshFixture('round2'), { ...fixtureServerOptions(dialect), rpc: 'websocket-only' })
  })
  afterAll(() => server.close())

  it('answers every recorded frame as the reference did, or as §15 says', async ({ annotate }) => {
    expect(wsCases.length).toBeGreaterThanOrEqual(9)
    const failures: string[] = []
    for (const c of round2) {
      if (!c.frames) {
        if (skipReason(c)) continue
        const req = translateRequest(c, dialect)
        const init: RequestInit = { method: req.method, headers: req.headers, redirect: 'manual' }
        if (req.body !== null && !['GET', 'HEAD'].includes(req.method)) init.body = req.body
        await (await fetch(`${server.url}${req.path}`, init)).arrayBuffer()
        continue
      }
      failures.push(...(await replay(c, server, dialect)))
    }
    await annotate(`${wsCases.length} round-2 WebSocket cases, ${wsCases.reduce((n, c) => n + c.frames!.length, 0)} frames`, 'interop-golden')
    expect(failures).toEqual([])
  })
})

async function replay(c: GoldenCase, server: RunningServer, dialect: Dialect): Promise<string[]> {
  const failures: string[] = []
  const client = await FrameClient.connect(`ws://127.0.0.1:${server.port}${c.request.path}`, c.request.headers)
  try {
    const steps = c.frames!
    for (const [i, step] of steps.entries()) {
      if (step.dir === 'send') {
        client.send(step.text ?? JSON.stringify(step.data))
        continue
      }
      const got = await client.next().then(
        () => parseJsonExact(client.texts[client.texts.length - 1]!),
        (error: Error) => ({ missing: error.message }),
      )
      if (step.dir === 'close') {
        // §15: an error frame instead of a 1011 close, and the socket goes on serving.
        const want = NOT_AN_OBJECT[c.name] ?? (Array.isArray(parseJsonExact(steps[i - 1]!.text!)) ? { error: 'Frame must be a JSON object' } : undefined)
        if (!want || !isDeepStrictEqual(got, Array.isArray(got) ? [want, want] : want)) failures.push(`${c.name} [${dialect}]: got ${JSON.stringify(got)} where the reference closed 1011`)
        const after = await client.request({ action: 'rpc', id: 'after', fn: 'ws_echo', args: { text: 'still here' } }).catch((e: Error) => ({ missing: e.message }))
        if (!isDeepStrictEqual(after, { id: 'after', ok: true, data: { message: 'still here' } }) && !isDeepStrictEqual(after, { id: 'after', ok: true, data: { result: { message: 'still here' } } })) {
          failures.push(`${c.name} [${dialect}]: socket did not go on serving: ${JSON.stringify(after)}`)
        }
        break
      }
      if (!isDeepStrictEqual(normalize(got), normalize(exact(step, dialect)))) failures.push(`${c.name} [${dialect}]: got ${JSON.stringify(got, big)}, want ${JSON.stringify(exact(step, dialect), big)}`)
    }
    const extra = await client.drain(30)
    if (extra.length) failures.push(`${c.name} [${dialect}]: unexpected frames ${JSON.stringify(extra)}`)
  } finally {
    await client.close()
  }
  return failures
}

const big = (_key: string, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)
