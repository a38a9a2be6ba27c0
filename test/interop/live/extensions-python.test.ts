/**
 * The protocol extensions of PROTOCOL.md §16 against the live Django backend (django-izana
 * 1.1.0), which speaks none of them: a batching client learns from the session answer that it
 * must send calls one by one, and still gets every result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient } from '../../../src/client/index.ts'
import { batched } from '../../../src/client/batch.ts'
import { upload } from '../../../src/client/files.ts'
import { untyped } from '../../../src/client/types.ts'
import type { izanaFixtureRouter } from '../replay/izana-fixture-router.ts'
import { countingFetch, IZANA_PREFIX, startPythonBackend, type PythonBackend } from './python-backend.ts'

type Fixture = typeof izanaFixtureRouter

let backend: PythonBackend
beforeAll(async () => {
  backend = await startPythonBackend()
})
afterAll(async () => {
  await backend?.stop()
})

describe('batching client → Python backend', () => {
  it('sends the calls and reads of one tick one by one, since the backend does not advertise batching', async () => {
    const traffic = countingFetch()
    const client = batched(createMizanClient<Fixture>({ dialect: 'izana', baseUrl: backend.baseUrl, fetch: traffic.fetch }))
    const [a, b, c, bundle] = await Promise.all([
      client.call('echo', { text: 'one' }),
      client.call('add', { a: 1, b: 2 }),
      client.call('ping'),
      client.context('user', { user_id: 1 }),
    ])
    expect(a.result).toEqual({ message: 'one' })
    expect(b.result).toEqual({ result: 3 })
    expect(c.result).toEqual({ result: 'pong' })
    expect(bundle).toHaveProperty('user_profile')
    expect(traffic.log.some((r) => r.path.includes('/batch/'))).toBe(false)
    expect(traffic.calls()).toBe(3)
    expect(traffic.contextReads()).toEqual(['user?user_id=1'])
    expect(traffic.log[0]?.path).toBe(`${IZANA_PREFIX}/session/`)
  })
})

describe('upload → Python backend', () => {
  it("sends the form in the shape the reference reads: fn a field, text fields as args, the file a part it accepts", async () => {
    const traffic = countingFetch()
    const api = untyped(createMizanClient<Fixture>({ dialect: 'izana', baseUrl: backend.baseUrl, fetch: traffic.fetch }))
    const attachment = new File(['hello from a file'], 'note.txt', { type: 'text/plain' })
    const outcome = await upload(api, 'contact.submit', { name: 'Multi', email: 'm@example.com', topic: 'sales', attachment })
    expect(outcome.result).toEqual({ success: true, data: { received: 'Multi', topic: 'sales' } })
    const sent = traffic.log.find((r) => r.path === `${IZANA_PREFIX}/call/`)
    expect(sent?.headers.get('content-type') ?? 'multipart/form-data (set by fetch)').toContain('multipart/form-data')
  })
})
