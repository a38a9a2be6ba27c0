/** Request batching over real HTTP: one request per tick when the server speaks it, one per call when it does not. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { createMizanClient } from '../../src/client/mizan-client.ts'
import { batched } from '../../src/client/batch.ts'
import { listen } from '../server/adapters/serve.ts'
import { batchRouter, type BatchRouter } from './batch-router.ts'

function counted(handler: (req: IncomingMessage, res: ServerResponse) => unknown) {
  const paths: string[] = []
  return { paths, listener: (req: IncomingMessage, res: ServerResponse) => (paths.push(req.url ?? ''), handler(req, res)) }
}

let server: Awaited<ReturnType<typeof listen>>
let plain: Awaited<ReturnType<typeof listen>>
let traffic: ReturnType<typeof counted>
let plainTraffic: ReturnType<typeof counted>

beforeAll(async () => {
  traffic = counted(createNodeHandler(batchRouter, { onError: () => {} }))
  server = await listen(traffic.listener)
  // A server that does not advertise batching (as a Python backend does not).
  plainTraffic = counted(createNodeHandler(batchRouter, { onError: () => {}, batch: false }))
  plain = await listen(plainTraffic.listener)
})
afterAll(async () => {
  await server.close()
  await plain.close()
})

const clientOf = (url: string) => batched(createMizanClient<BatchRouter>({ baseUrl: `${url}/api/mizan` }))

describe('batching', () => {
  it('sends 50 calls made in one tick as one request, each answered with its own result', async () => {
    traffic.paths.length = 0
    const client = clientOf(server.url)
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => client.call('echo', { text: `n${i}` })))
    expect(outcomes.map((o) => o.result.text)).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`))
    // The session answer tells the client the server batches (and sets the CSRF cookie).
    expect(traffic.paths).toEqual(['/api/mizan/session/', '/api/mizan/batch/'])
    await Promise.all(Array.from({ length: 10 }, () => client.call('echo', { text: 'again' })))
    expect(traffic.paths).toEqual(['/api/mizan/session/', '/api/mizan/batch/', '/api/mizan/batch/'])
  })

  it("answers each item alone: errors, masked crashes, and every item's invalidate and merge", async () => {
    const client = clientOf(server.url)
    const settled = await Promise.allSettled([
      client.call('echo', { text: 'ok' }),
      client.call('echo', { text: 3 as unknown as string }),
      client.call('refuse'),
      client.call('crash'),
      client.call('bump'),
      client.call('rename', { user_id: 1, name: 'grace' }),
      client.call('ticks'),
    ])
    const [ok, invalid, refused, crashed, bumped, renamed, streaming] = settled
    expect(ok).toEqual({ status: 'fulfilled', value: { result: { text: 'ok' }, invalidate: [], merge: [] } })
    expect(invalid).toMatchObject({ status: 'rejected', reason: { code: 'VALIDATION_ERROR', status: 422, details: { fields: { text: [expect.any(String)] } } } })
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'FORBIDDEN', status: 403, message: 'Not yours' } })
    expect(crashed).toMatchObject({ status: 'rejected', reason: { code: 'INTERNAL_ERROR', status: 500, message: 'An internal error occurred' } })
    expect(bumped).toMatchObject({ status: 'fulfilled', value: { invalidate: ['meta'], merge: [] } })
    expect(renamed).toEqual({
      status: 'fulfilled',
      value: { result: { user_id: 1, name: 'grace' }, invalidate: [], merge: [{ context: 'user', slot: 'profile', value: { user_id: 1, name: 'grace' }, params: { user_id: 1 } }] },
    })
    expect(streaming).toMatchObject({ status: 'rejected', reason: { code: 'BAD_REQUEST', status: 406 } })
  })

  it('coalesces context reads with calls, and a read after a mutation sees it', async () => {
    traffic.paths.length = 0
    const client = clientOf(server.url)
    const [user, meta, echo] = await Promise.all([client.context('user', { user_id: 1 }), client.context('meta'), client.call('echo', { text: 'x' })])
    expect(user).toEqual({ profile: { user_id: 1, name: expect.any(String) } })
    expect(meta).toEqual({ version: { version: expect.any(Number) } })
    expect(echo.result).toEqual({ text: 'x' })
    expect(traffic.paths.filter((p) => p.includes('/batch/'))).toHaveLength(1)
    await client.call('rename', { user_id: 1, name: 'hopper' })
    expect(await client.context('user', { user_id: 1 })).toEqual({ profile: { user_id: 1, name: 'hopper' } })
  })

  it('sends calls one by one to a server that does not advertise batching', async () => {
    plainTraffic.paths.length = 0
    const client = clientOf(plain.url)
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => client.call('echo', { text: `p${i}` })))
    expect(outcomes.map((o) => o.result.text)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4'])
    expect(plainTraffic.paths).toEqual(['/api/mizan/session/', ...Array(5).fill('/api/mizan/call/')])
    const res = await fetch(`${plain.url}/api/mizan/session/`)
    expect(res.headers.get('x-mizan-features')).toBe('stream')
  })

  it('answers a malformed or oversized batch with an envelope, and the server keeps serving', async () => {
    const post = (body: string) => fetch(`${server.url}/api/mizan/batch/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }).then(async (r) => [r.status, await r.json()])
    // No CSRF token: refused before anything runs.
    expect(await post('{"batch":[{"fn":"bump"}]}')).toEqual([403, expect.objectContaining({ code: 'FORBIDDEN' })])
    const session = await fetch(`${server.url}/api/mizan/session/`)
    const token = /csrftoken=([^;]+)/.exec(session.headers.get('set-cookie') ?? '')![1]!
    const postCsrf = (body: string) =>
      fetch(`${server.url}/api/mizan/batch/`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: `csrftoken=${token}`, 'X-CSRFToken': token }, body }).then(async (r) => [r.status, await r.json()])
    expect(await postCsrf('[1,2]')).toEqual([400, { error: true, code: 'BAD_REQUEST', message: 'Batch body must be {"batch": [...]}' }])
    expect(await postCsrf('{"batch":[]}')).toEqual([400, { error: true, code: 'BAD_REQUEST', message: 'Batch is empty' }])
    expect(await postCsrf(JSON.stringify({ batch: Array(101).fill({ fn: 'echo' }) }))).toEqual([400, { error: true, code: 'BAD_REQUEST', message: 'Batch of 101 items exceeds 100' }])
    expect(await postCsrf('{"batch":[5,{"fn":"nope"}]}')).toEqual([
      200,
      { batch: [{ error: true, code: 'BAD_REQUEST', message: 'Batch item must be a JSON object', status: 400 }, { error: true, code: 'NOT_FOUND', message: 'Function not found', status: 404 }] },
    ])
    expect((await clientOf(server.url).call('echo', { text: 'still here' })).result).toEqual({ text: 'still here' })
  })
})
