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
