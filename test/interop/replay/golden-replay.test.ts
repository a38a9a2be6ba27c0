/**
 * Replays the golden cases recorded from django-izana 1.1.0 against our server, in recording
 * order, in both spellings, comparing status, JSON body, cache and invalidate headers.
 */
import { describe, expect, it } from 'vitest'
import type { Dialect } from '../../../src/shared/protocol.ts'
import { loadGoldenCases } from './golden-cases.ts'
import { fixtureFetchHandler, freshFixture } from './fixture-server.ts'
import { judge, skipReason, translateRequest } from './replay-rules.ts'

const cases = loadGoldenCases().filter((c) => c.response)
const replayed = cases.filter((c) => !skipReason(c))
/** Recorded on one Python server each, in order; each server's cases start from a fresh twin. */
const byServer = (['primary', 'round2'] as const).map((server) => [server, replayed.filter((c) => c.server === server)] as const)

describe('golden cases replayed in-process', () => {
  it('cover nearly every recorded HTTP case, and say why for the rest', async ({ annotate }) => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
    expect(replayed.length).toBeGreaterThanOrEqual(120)
    await annotate(`${replayed.length} of ${cases.length} recorded HTTP cases replayed (${byServer.map(([s, list]) => `${list.length} ${s}`).join(', ')})`, 'interop-golden')
    for (const c of cases) {
      const why = skipReason(c)
      if (why) await annotate(`${c.name}: ${why}`, 'interop-skip')
    }
  })

  // One test per dialect, in recording order: later cases depend on the state earlier ones left.
  it.each<Dialect>(['izana', 'mizan'])('answer every replayed case as the reference did (%s spelling)', async (dialect) => {
    const failures: string[] = []
    for (const [server, list] of byServer) {
      const handler = fixtureFetchHandler(dialect, freshFixture(server))
      for (const c of list) {
        const req = translateRequest(c, dialect)
        const init: RequestInit = { method: req.method, headers: req.headers }
        if (req.body !== null && !['GET', 'HEAD'].includes(req.method)) init.body = req.body
        const res = await handler(new Request(`http://127.0.0.1${req.path}`, init))
        failures.push(...judge(c, { status: res.status, header: (n) => res.headers.get(n), text: await res.text() }, dialect))
      }
    }
    expect(failures).toEqual([])
  })
})
