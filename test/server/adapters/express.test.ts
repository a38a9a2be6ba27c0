import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../../src/server/adapters/node.ts'
import { appRouter } from '../../fixtures/app-router.ts'
import { listen } from './serve.ts'

let base: Awaited<ReturnType<typeof listen>>

beforeAll(async () => {
  const app = express()
  app.use(createNodeHandler(appRouter, { csrf: false, onError: () => {} }))
  app.get('/health', (_req, res) => {
    res.json({ ok: true })
  })
  base = await listen(app)
})
afterAll(() => base.close())

describe('node handler as Express middleware', () => {
  it('serves the protocol and passes other paths to the next handler', async () => {
    const res = await fetch(`${base.url}/api/mizan/call/`, { method: 'POST', body: '{"fn":"echo","args":{"text":"via express"}}' })
    expect(await res.json()).toEqual({ result: { message: 'via express' } })
    expect(await (await fetch(`${base.url}/health`)).json()).toEqual({ ok: true })
  })
})

describe('node handler after an Express body parser', () => {
  it('uses the body the parser already read instead of waiting for the stream (regression: it hung)', async () => {
    const app = express()
    app.use(express.json())
    app.use(createNodeHandler(appRouter, { csrf: false, onError: () => {} }))
    const parsed = await listen(app)
    try {
      const res = await fetch(`${parsed.url}/api/mizan/call/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"fn":"echo","args":{"text":"parsed first"}}',
        signal: AbortSignal.timeout(5000),
      })
      expect(await res.json()).toEqual({ result: { message: 'parsed first' } })
    } finally {
      await parsed.close()
    }
  })
})
