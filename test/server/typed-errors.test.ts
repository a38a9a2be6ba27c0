/** Declared errors travel in the protocol's envelope on every transport; anything else stays internal. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createFetchHandler } from '../../src/server/adapters/fetch.ts'
import { createCaller, defineErrors } from '../../src/server/index.ts'
import { createMizanClient } from '../../src/client/index.ts'
import { FrameClient, startServer, type RunningServer } from '../ws/helpers.ts'
import { typedErrorsRouter, type TypedErrorsRouter } from './typed-errors-router.ts'

const reported: unknown[] = []
const handler = createFetchHandler(typedErrorsRouter, { csrf: false, onError: (error) => reported.push(error) })

async function http(args: unknown) {
  const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fn: 'place_order', args }) }))
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

beforeEach(() => void (reported.length = 0))

describe('declared errors over HTTP', () => {
  it('answer in the envelope with their status, code, message and parsed details', async () => {
    expect(await http({ sku: 'a', qty: 5 })).toEqual({ status: 409, body: { error: true, code: 'OUT_OF_STOCK', message: 'Not enough stock', details: { sku: 'a', available: 3 } } })
    expect(await http({ sku: 'card', qty: 1 })).toEqual({ status: 402, body: { error: true, code: 'CARD_DECLINED', message: 'The card was declined' } })
    expect(reported).toEqual([])
  })

  it('details that break their own schema, and an undeclared error, are internal errors, reported', async () => {
    for (const sku of ['bad-details', 'undeclared']) {
      const res = await http({ sku, qty: 1 })
      expect(res).toEqual({ status: 500, body: { error: true, code: 'INTERNAL_ERROR', message: 'An internal error occurred' } })
    }
    expect(reported.map((e) => String(e))).toEqual([
      expect.stringContaining("details of 'OUT_OF_STOCK' do not match its schema"),
      expect.stringContaining("the declared error 'QUOTA_EXCEEDED' was thrown by a function that does not list it"),
    ])
  })

  it('reach the kernel client as a MizanError with the code and details', async () => {
    const client = createMizanClient<TypedErrorsRouter>({ baseUrl: 'http://127.0.0.1/api/mizan', csrf: false, fetch: (input, init) => handler(new Request(input, init)) })
    const error = await client.call('placeOrder', { sku: 'b', qty: 9 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'MizanError', code: 'OUT_OF_STOCK', status: 409, details: { sku: 'b', available: 3 } })
  })
})

describe('declared errors elsewhere', () => {
  let server: RunningServer
  beforeAll(async () => void (server = await startServer(typedErrorsRouter, { csrf: false, onError: () => {} })))
  afterAll(async () => server.close())

  it('travel in the WebSocket error object', async () => {
    const socket = await FrameClient.connect(server.wsUrl)
    try {
      expect(await socket.request({ action: 'rpc', id: 1, fn: 'place_order', args: { sku: 'c', qty: 4 } })).toEqual({
        id: 1,
        ok: false,
        error: { code: 'OUT_OF_STOCK', message: 'Not enough stock', details: { sku: 'c', available: 3 } },
      })
    } finally {
      await socket.close()
    }
  })

  it('reject the in-process caller with the same error', async () => {
    await expect(createCaller(typedErrorsRouter).placeOrder({ sku: 'd', qty: 4 })).rejects.toMatchObject({ code: 'OUT_OF_STOCK', status: 409, details: { sku: 'd', available: 3 } })
  })
})

describe('defineErrors', () => {
  it("refuses the protocol's own codes, bad names and statuses", () => {
    expect(() => defineErrors({ NOT_FOUND: {} })).toThrow(/protocol's own codes/)
    expect(() => defineErrors({ RATE_LIMITED: {} })).toThrow(/protocol's own codes/)
    expect(() => defineErrors({ HTTP_418: {} })).toThrow(/protocol's own codes/)
    expect(() => defineErrors({ outOfStock: {} })).toThrow(/UPPER_SNAKE_CASE/)
    expect(() => defineErrors({ OK_ISH: { status: 200 } })).toThrow(/4xx or 5xx/)
    expect(() => defineErrors({ FINE: { details: z.object({}) } })).not.toThrow()
  })
})

describe('declared errors in the IR', () => {
  it('are exported per function with their status and details type, and read back', async () => {
    const { exportIr, readIr } = await import('../../src/server/ir/index.ts')
    const text = exportIr(typedErrorsRouter)
    expect(text).toContain(
      [
        '    error "CARD_DECLINED" {',
        '        status 402',
        '    }',
        '    error "OUT_OF_STOCK" {',
        '        status 409',
        '        details "placeOrderOutOfStockDetails"',
        '    }',
      ].join('\n'),
    )
    expect(text).toContain('type "placeOrderOutOfStockDetails" {')
    const doc = readIr(text)
    expect(doc.functions.find((f) => f.name === 'place_order')?.errors).toEqual([
      { code: 'CARD_DECLINED', status: 402 },
      { code: 'OUT_OF_STOCK', status: 409, details: 'placeOrderOutOfStockDetails' },
    ])
    expect(doc.functions.find((f) => f.name === 'plain')?.errors).toBeUndefined()
  })
})

describe('declared errors in a contract from the IR', () => {
  it('declare the same errors, so a client of the contract gets the same error types', async () => {
    const { exportIr, irToContract, readIr } = await import('../../src/server/ir/index.ts')
    const source = irToContract(readIr(exportIr(typedErrorsRouter)))
    expect(source).toContain("import { createRouter, declareClient, defineErrors } from 'mizan-ts/server'")
    expect(source).toMatch(/errors: defineErrors\(\{ CARD_DECLINED: \{ status: 402 \}, OUT_OF_STOCK: \{ status: 409, details: \w+ \} \}\)/)
  })
})
