/**
 * The client's MWT manager against the live Django backend, with IZANA_MWT_TTL shortened to
 * 4 s so tokens really expire during the test: bursts of calls across several lifetimes run
 * with zero failures, one `mwt_obtain` per lifetime, and Python's own 401 ("Invalid or expired
 * MWT") is absorbed by one shared refresh and a single resend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient, MizanError, type MizanClient } from '../../../src/client/index.ts'
import { createTokenManager, type TokenGrant } from '../../../src/client/token-refresh.ts'
import type { izanaFixtureRouter } from '../replay/izana-fixture-router.ts'
import { SESSIONS, startPythonBackend, type PythonBackend } from './python-backend.ts'

type Fixture = typeof izanaFixtureRouter
const TTL = 4

let backend: PythonBackend
beforeAll(async () => {
  backend = await startPythonBackend({ mwtTtl: TTL })
})
afterAll(async () => {
  await backend?.stop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Logs every answer the token-carrying client gets, with the error message of refusals. */
function answerLog() {
  const answers: { status: number; token: string | null; message?: string }[] = []
  const fetchImpl = async (input: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(input, init)
    const token = new Headers(init.headers).get('x-izana-token')
    if (response.status === 401) {
      const body = (await response.clone().json()) as { message?: string }
      answers.push({ status: 401, token, message: body.message })
    } else {
      answers.push({ status: response.status, token })
    }
    return response
  }
  return { answers, fetch: fetchImpl }
}

function setup(now?: () => number, marginSeconds?: number) {
  const session: MizanClient<Fixture> = createMizanClient<Fixture>({
    dialect: 'izana',
    baseUrl: backend.baseUrl,
    headers: { Cookie: `sessionid=${SESSIONS.alice}` },
  })
  let inFlight = 0
  let maxInFlight = 0
  const grants: TokenGrant[] = []
  const log = answerLog()
  const manager = createTokenManager({
    dialect: 'izana',
    fetch: log.fetch,
    ...(now ? { now } : {}),
    ...(marginSeconds !== undefined ? { marginSeconds } : {}),
    obtain: async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      try {
        const { result } = await session.call('mwtObtain')
        grants.push(result)
        return result
      } finally {
        inFlight--
      }
    },
  })
  const api: MizanClient<Fixture> = createMizanClient<Fixture>({ dialect: 'izana', baseUrl: backend.baseUrl, ...manager.clientOptions() })
  return { api, manager, grants, answers: log.answers, maxInFlight: () => maxInFlight }
}

/** Waves of concurrent calls every `everyMs` for `forMs`; every outcome kept. */
async function waves(api: MizanClient<Fixture>, forMs: number, everyMs: number, size: number) {
  const started = Date.now()
  const pending: Promise<unknown>[] = []
  while (Date.now() - started < forMs) {
    for (let i = 0; i < size; i++) pending.push(i % 3 === 2 ? api.context('secure') : api.call('whoami'))
    await sleep(everyMs)
  }
  const settled = await Promise.allSettled(pending)
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason instanceof MizanError ? `${s.reason.code}: ${s.reason.message}` : String(s.reason)] : []))
  return { total: settled.length, failures, elapsedMs: Date.now() - started }
}

describe('token manager → Python (IZANA_MWT_TTL=4)', () => {
  it('refreshes before expiry: calls across several lifetimes, zero failures, zero refusals, one obtain per lifetime', async () => {
    // Margin 2 s of a 4 s lifetime: refreshed 2 s after the obtain left. The server floors iat
    // to the second, so a token lives at least 3 s from then: ≥ 1 s of slack for slow requests.
    const t = setup(undefined, 2)
    const { total, failures, elapsedMs } = await waves(t.api, 5_000, 150, 8)
    expect(failures).toEqual([])
    expect(total).toBeGreaterThan(200)
    expect(t.grants.every((g) => g.expires_in === TTL)).toBe(true)
    // Refreshed every 2 s: 0, 2, 4 s → about three obtains (the first token expired mid-run), never two at once.
    expect(t.grants.length).toBeGreaterThanOrEqual(Math.floor(elapsedMs / 2_000))
    expect(t.grants.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 2_000) + 1)
    expect(t.maxInFlight()).toBe(1)
    expect(t.answers.filter((a) => a.status !== 200)).toEqual([])
    expect(t.manager.stats.retries).toBe(0)
    // Each token was used, and only the obtained ones were.
    const used = new Set(t.answers.map((a) => a.token))
    expect(used).toEqual(new Set(t.grants.map((g) => g.token)))
  })

  it('absorbs Python\'s 401 when the client clock lags: one shared refresh, one resend, zero failures', async () => {
    const origin = Date.now()
    // The client's clock runs at a third of real speed: it thinks its tokens live 12 s, while
    // Python refuses them after 3 to 4 s.
    const t = setup(() => origin + (Date.now() - origin) / 3, 0.1)
    const { failures } = await waves(t.api, 5_000, 150, 6)
    expect(failures).toEqual([])
    const refusals = t.answers.filter((a) => a.status === 401)
    expect(refusals.length).toBeGreaterThan(0)
    expect(new Set(refusals.map((r) => r.message))).toEqual(new Set(['Invalid or expired MWT']))
    expect(t.manager.stats.retries).toBe(refusals.length)
    // Every refused token was replaced once, not once per refused call.
    const refusedTokens = new Set(refusals.map((r) => r.token))
    expect(t.grants.length).toBe(refusedTokens.size + 1)
    expect(t.maxInFlight()).toBe(1)
    // The resends all succeeded.
    expect(t.answers.filter((a) => a.status !== 200 && a.status !== 401)).toEqual([])
  })
})
