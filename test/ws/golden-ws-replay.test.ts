/**
 * The WebSocket golden cases recorded from django-izana 1.1.0 (test/interop/golden/ws-*.json),
 * replayed frame by frame against our adapter over real sockets, in recording order after the
 * HTTP cases before them (the fixture keeps state: `ws-ctx` reads the profile an HTTP case renamed).
 */
import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, type Dialect } from '../../src/shared/protocol.ts'
import { fixtureServerOptions } from '../interop/replay/fixture-server.ts'
import { loadGoldenCases, type GoldenCase } from '../interop/replay/golden-cases.ts'
import { createFixtureState, izanaFixtureRouter, state } from '../interop/replay/izana-fixture-router.ts'
import { skipReason, translateRequest } from '../interop/replay/replay-rules.ts'
import { FrameClient, startServer, type RunningServer } from './helpers.ts'

// The fixture twin declares ws_channels.py's `chat` channel itself.
const router = izanaFixtureRouter

const all = loadGoldenCases()
const wsCases = all.filter((c) => c.name.startsWith('ws-'))
/** HTTP cases recorded before the last WebSocket case: replayed (not judged here) to reach the recorded state. */
const httpBefore = all.filter((c) => c.response && !skipReason(c) && c.seq < Math.max(...wsCases.map((w) => w.seq)))

/** Deliberate differences, each with what we do instead. */
const DEVIATIONS: Record<string, { why: string; check: (c: GoldenCase, server: RunningServer) => Promise<void> }> = {
  'ws-rpc-query-mwt': {
    why: 'the reference ignores a token it cannot verify and serves the socket anonymously; we refuse the handshake with 401, as HTTP refuses a bad token (never a silent downgrade)',
    async check(c, server) {
      const refused = await FrameClient.connect(`ws://127.0.0.1:${server.port}${c.request.path}`, c.request.headers).then(
        async (client) => {
          await client.close()
          return undefined
        },
        (error: { status?: number; body?: string }) => error,
      )
      expect(refused?.status).toBe(401)
      expect(JSON.parse(refused?.body ?? '{}')).toMatchObject({ error: true, code: 'UNAUTHORIZED' })
    },
  },
}

/** Pydantic's message texts are not ours to copy: the prefix and the failing field must match. */
function normalize(frame: unknown): unknown {
  if (typeof frame !== 'object' || frame === null) return frame
  const f = frame as Record<string, unknown>
  if (typeof f['error'] === 'string') {
    const m = /^(Invalid params|Invalid message): (?:1 validation error for \w+\n)?(\w+)/.exec(f['error'])
    if (m) return { ...f, error: `${m[1]}: <${m[2]}>` }
  }
  const error = f['error'] as { code?: string; message?: string; details?: { fields?: Record<string, string[]> } } | undefined
  if (typeof error === 'object' && error?.code === 'VALIDATION_ERROR' && error.details?.fields) {
    return { ...f, error: { ...error, details: { fields: Object.keys(error.details.fields).sort() } } }
  }
  return frame
}

/** The recording is in the Izana spelling; the one prefix-bearing message follows the dialect. */
function respell(frame: unknown, dialect: Dialect): unknown {
  return JSON.parse(JSON.stringify(frame).replaceAll(DIALECTS.izana.prefix, DIALECTS[dialect].prefix))
}

describe.each<Dialect>(['izana', 'mizan'])('WebSocket golden frames (%s spelling)', (dialect) => {
  let server: RunningServer
  beforeAll(async () => {
    state.current = createFixtureState()
    // As the reference: only `websocket: true` functions answer over the socket.
    // The reference's clients send their token as ?token=, which a Mizan server reads only when told to.
    server = await startServer(router, { ...fixtureServerOptions(dialect), rpc: 'websocket-only', queryToken: true })
  })
  afterAll(() => server.close())

  it('covers every recorded ws case', () => {
    expect(wsCases.map((c) => c.name).sort()).toEqual([
      'ws-channel',
      'ws-channel-errors',
      'ws-ctx',
      'ws-rpc-errors',
      'ws-rpc-mutation',
      'ws-rpc-ok',
      'ws-rpc-query-jwt',
      'ws-rpc-query-mwt',
      'ws-rpc-session',
    ])
  })

  it('answers every frame as the reference did, in recording order', async () => {
    const failures: string[] = []
    const ordered = [...httpBefore, ...wsCases].sort((a, b) => a.seq - b.seq)
    for (const c of ordered) {
      if (!c.name.startsWith('ws-')) {
        const req = translateRequest(c, dialect)
        const init: RequestInit = { method: req.method, headers: req.headers, redirect: 'manual' }
        if (req.body !== null && !['GET', 'HEAD'].includes(req.method)) init.body = req.body
        await (await fetch(`${server.url}${req.path}`, init)).arrayBuffer()
        continue
      }
      const deviation = DEVIATIONS[c.name]
      if (deviation) {
        await deviation.check(c, server)
        continue
      }
      const client = await FrameClient.connect(`ws://127.0.0.1:${server.port}${c.request.path}`, c.request.headers)
      try {
        for (const step of c.frames ?? []) {
          if (step.dir === 'send') {
            client.send(step.text ?? JSON.stringify(step.data))
            continue
          }
          const got = await client.next().catch((error: Error) => ({ missing: error.message }))
          const want = respell(step.data, dialect)
          if (!isDeepStrictEqual(normalize(got), normalize(want))) failures.push(`${c.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`)
        }
        const extra = await client.drain(30)
        if (extra.length) failures.push(`${c.name}: unexpected frames ${JSON.stringify(extra)}`)
      } finally {
        await client.close()
      }
    }
    expect(failures).toEqual([])
  })
})
