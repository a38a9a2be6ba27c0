/** Real non-TypeScript traffic: Python clients, over HTTP, against our server. */
import { afterEach, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import type { Dialect } from '../../src/shared/protocol.ts'
import { listen } from '../server/adapters/serve.ts'
import { runPython } from './python-venv.ts'
import { loadGoldenCases } from './replay/golden-cases.ts'
import { fixtureServerOptions, freshFixture } from './replay/fixture-server.ts'
import { judge, skipReason, translateRequest } from './replay/replay-rules.ts'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function startFixture(dialect: Dialect, server: 'primary' | 'round2' = 'primary') {
  const running = await listen(createNodeHandler(freshFixture(server), fixtureServerOptions(dialect)))
  close = running.close
  return running.url
}

describe.each<Dialect>(['izana', 'mizan'])('Python clients against our server (%s spelling)', (dialect) => {
  it.each(['primary', 'round2'] as const)('replays every %s golden case over real HTTP from Python with the recorded result', async (server) => {
    const base = await startFixture(dialect, server)
    const cases = loadGoldenCases().filter((c) => c.response && !skipReason(c) && c.server === server)
    const requests = cases.map((c) => ({ name: c.name, ...translateRequest(c, dialect) }))
    const answers = JSON.parse(await runPython('replay_client.py', [], JSON.stringify({ base, requests }))) as {
      name: string
      status: number
      headers: Record<string, string>
      body: string
    }[]
    expect(answers).toHaveLength(cases.length)
    const failures = cases.flatMap((c, i) => {
      const a = answers[i]!
      return judge(c, { status: a.status, header: (n) => a.headers[n.toLowerCase()] ?? null, text: a.body }, dialect)
    })
    expect(failures).toEqual([])
  })

  it('does what the Mizan kernel does: session, CSRF, call, context, invalidate header, merge, errors', async () => {
    const base = await startFixture(dialect)
    const prefix = dialect === 'izana' ? '/api/izana' : '/api/mizan'
    const seen = JSON.parse(await runPython('mizan_client.py', [base + prefix, dialect])) as Record<string, unknown>
    expect(seen['session']).toEqual({ status: 200, has_cookie: true })
    expect(seen['echo']).toEqual({ result: { message: 'from python' } })
    expect(seen['no_csrf']).toBe(403)
    expect(seen['ctx']).toMatchObject({ user_posts: [{ id: 201 }], user_profile: { user_id: 2, name: 'Sam' } })
    expect(seen['mutation']).toEqual({
      status: 200,
      body: { result: { message: 'updated 2' }, invalidate: [{ context: 'user', params: { user_id: 2 } }] },
      header: [{ context: 'user', params: { user_id: '2' } }],
    })
    expect(seen['after']).toMatchObject({ user_profile: { name: 'Py' } })
    expect(seen['merge']).toMatchObject({ merge: [{ context: 'user', slot: 'user_profile', value: { user_id: 3, name: 'Merged' } }] })
    expect(seen['error']).toMatchObject({ status: 422, body: { error: true, code: 'VALIDATION_ERROR' } })
  })
})
