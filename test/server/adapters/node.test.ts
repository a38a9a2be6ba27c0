import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { appRouter } from '../../fixtures/app-router.ts'
import { listen } from './serve.ts'

let base: Awaited<ReturnType<typeof listen>>

beforeAll(async () => {
  base = await listen(createNodeHandler(appRouter, { csrf: false, onError: () => {}, maxBodyBytes: 2048 }))
})
afterAll(() => base.close())

describe('node:http adapter', () => {
  it('serves calls, contexts and views over real HTTP', async () => {
    const call = await fetch(`${base.url}/api/mizan/call/`, { method: 'POST', body: JSON.stringify({ fn: 'add', args: { a: 2, b: 3 } }) })
    expect(call.status).toBe(200)
    expect(await call.json()).toEqual({ result: { result: 5 } })
    const ctx = await fetch(`${base.url}/api/mizan/ctx/user/?user_id=1`)
    expect(await ctx.json()).toMatchObject({ user_profile: { user_id: 1 } })
    const view = await fetch(`${base.url}/api/mizan/profile/3/`)
    expect(await view.text()).toBe('<h1>profile 3</h1>')
  })

  it('answers paths outside the prefix with a 404 envelope when there is no next()', async () => {
    const res = await fetch(`${base.url}/elsewhere`)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: true, code: 'NOT_FOUND' })
  })

  it('reads a form post whatever the case of its Content-Type', async () => {
    const boundary = 'mizan-test-boundary'
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="fn"', '', 'echo', `--${boundary}`, 'Content-Disposition: form-data; name="text"', '', 'hi', `--${boundary}--`, ''].join('\r\n')
    for (const type of ['multipart/form-data', 'Multipart/Form-Data', 'MULTIPART/FORM-DATA']) {
      const res = await fetch(`${base.url}/api/mizan/call/`, { method: 'POST', headers: { 'Content-Type': `${type}; boundary=${boundary}` }, body })
      expect(await res.json()).toEqual({ result: { message: 'hi' } })
    }
    // Not a form: read as JSON, so a JSON body under a look-alike type still calls.
    const json = await fetch(`${base.url}/api/mizan/call/`, { method: 'POST', headers: { 'Content-Type': 'multipart/mixed' }, body: '{"fn":"ping"}' })
    expect(await json.json()).toEqual({ result: { pong: true } })
  })

  it('refuses an oversized body with 413 and keeps serving', async () => {
    const res = await fetch(`${base.url}/api/mizan/call/`, { method: 'POST', body: JSON.stringify({ fn: 'echo', args: { text: 'x'.repeat(5000) } }) })
    expect(res.status).toBe(413)
    const next = await fetch(`${base.url}/api/mizan/call/`, { method: 'POST', body: '{"fn":"ping"}' })
    expect(next.status).toBe(200)
  })
})
