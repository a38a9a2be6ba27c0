/**
 * Hostile and broken HTTP input only ever gets a clean protocol error, the server keeps
 * serving, and nothing leaks onto Object.prototype.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import { createIdentityResolver } from '../../src/server/auth/identity.ts'
import { listen } from '../server/adapters/serve.ts'
import { hardeningRouter } from './hardening-router.ts'
import { httpBatteryCases } from './http-cases.ts'
import { rawRequest } from './raw-http.ts'

let server: Awaited<ReturnType<typeof listen>>
const reported: unknown[] = []

beforeAll(async () => {
  server = await listen(
    createNodeHandler(hardeningRouter, {
      csrf: false,
      maxBodyBytes: 64 * 1024,
      onError: (e) => reported.push(e),
      resolveUser: createIdentityResolver({ mwt: { keys: { v1: 'hardening-secret-0123456789abcdef' } } }),
    }),
  )
})
afterAll(() => server.close())

const cases = httpBatteryCases()

describe('HTTP bad-input battery', () => {
  it(`has 150+ distinct cases (${cases.length})`, () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length)
    expect(cases.length).toBeGreaterThanOrEqual(150)
    console.log(`HTTP battery: ${cases.length} cases`)
  })

  it('answers every case with its exact status and envelope, and keeps serving', async () => {
    const failures: string[] = []
    for (const c of cases) {
      const res = await rawRequest(server.url, { method: c.method, path: c.path ?? '/api/mizan/call/', headers: c.headers, body: c.body })
      const expectedStatus = c.status
      if (res.status !== expectedStatus) failures.push(`${c.name}: status ${res.status} ≠ ${expectedStatus} ${res.text.slice(0, 160)}`)
      if (res.status >= 400 && c.method !== 'HEAD') {
        let envelope: { error?: unknown; code?: unknown; message?: unknown } = {}
        try {
          envelope = JSON.parse(res.text)
        } catch {
          failures.push(`${c.name}: error body is not JSON: ${res.text.slice(0, 80)}`)
        }
        if (envelope.error !== true || typeof envelope.message !== 'string') failures.push(`${c.name}: not the protocol envelope`)
        if (c.code && envelope.code !== c.code) failures.push(`${c.name}: code ${String(envelope.code)} ≠ ${c.code}`)
        if (res.status >= 500) failures.push(`${c.name}: a 5xx for bad input`)
      } else if (c.code !== null) {
        failures.push(`${c.name}: succeeded (${res.status}), expected ${c.code}`)
      }
      const extra = c.check?.(res)
      if (extra) failures.push(`${c.name}: ${extra}`)
      if ((Object.prototype as Record<string, unknown>)['polluted'] !== undefined) failures.push(`${c.name}: polluted Object.prototype`)
      const next = await rawRequest(server.url, { method: 'POST', path: '/api/mizan/call/', body: '{"fn":"ping"}' })
      if (next.status !== 200) failures.push(`${c.name}: the next request failed with ${next.status}`)
    }
    expect(failures).toEqual([])
    expect(reported).toEqual([])
  }, 60_000)
})
