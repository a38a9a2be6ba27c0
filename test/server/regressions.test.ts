/** Regression tests, each named after the bug it pins. */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describe, expect, it } from 'vitest'
import { coerceQueryValue } from '../../src/server/schema.ts'
import { parseJsonBody } from '../../src/server/json-body.ts'

describe('regressions', () => {
  it('lax coercion accepted hex, binary and Infinity strings as numbers', () => {
    for (const text of ['0x10', '0b1', '0o7', 'Infinity', '-Infinity', '1e3']) expect(coerceQueryValue(text, 'integer')).toBe(text)
    for (const text of ['0x10', '0b1', '0o7']) expect(coerceQueryValue(text, 'number')).toBe(text)
    // Issue #28: Pydantic reads PEP 515 underscores as digits (test/interop/pydantic-coercion.test.ts).
    expect(coerceQueryValue('1_000', 'integer')).toBe(1000)
    expect(coerceQueryValue(' 42 ', 'integer')).toBe(42)
    expect(coerceQueryValue('-1.5e3', 'number')).toBe(-1500)
  })

  it('a validation error on a field named like an Object member (constructor, toString, __proto__) answered 500, not 422', async () => {
    const { createMizan } = await import('../../src/server/index.ts')
    const { createFetchHandler } = await import('../../src/server/adapters/fetch.ts')
    const { z } = await import('zod')
    const { defineClient, createRouter } = createMizan()
    const protoRefusing: StandardSchemaV1<Record<string, unknown>> = {
      '~standard': { version: 1, vendor: 'test', validate: () => ({ issues: [{ message: 'not allowed', path: ['__proto__'] }] }) },
    }
    const router = createRouter({
      named: defineClient({ input: z.object({ constructor: z.number(), toString: z.number() }) }, (input) => input),
      // Zod drops `__proto__` keys; any other Standard Schema validator may report one.
      proto: defineClient({ input: protoRefusing }, (input) => input),
    })
    const reported: unknown[] = []
    const handler = createFetchHandler(router, { csrf: false, onError: (error) => reported.push(error) })
    const call = async (body: string) => {
      const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body }))
      return { status: res.status, body: (await res.json()) as { code?: string; details?: { fields?: Record<string, string[]> } } }
    }
    const named = await call(JSON.stringify({ fn: 'named', args: { constructor: 'x', toString: 'y' } }))
    expect(named.status).toBe(422)
    expect(Object.keys(named.body.details?.fields ?? {}).sort()).toEqual(['constructor', 'toString'])
    const proto = await call('{"fn":"proto","args":{"__proto__":"x"}}')
    expect(proto.status).toBe(422)
    expect(Object.keys(proto.body.details?.fields ?? {})).toEqual(['__proto__'])
    expect(reported).toEqual([])
  })

  it('form error maps read inherited members: a field named constructor or __proto__ threw in the client', async () => {
    const { errorsFromWire, errorsFromFailure } = await import('../../src/client/react/form-errors.ts')
    const { MizanError } = await import('../../src/shared/errors.ts')
    const wire = errorsFromWire(JSON.parse('[{"field":"constructor","errors":["taken"]},{"field":"__proto__","errors":["bad"]},{"field":"constructor","errors":["short"]}]'))
    expect(Object.keys(wire)).toEqual(['constructor', '__proto__'])
    expect(wire['constructor']?.map((e) => e.message)).toEqual(['taken', 'short'])
    expect(Object.getPrototypeOf(wire)).toBe(Object.prototype)
    const failure = errorsFromFailure(new MizanError('VALIDATION_ERROR', 'Input validation failed', { details: { fields: { toString: ['nope'] } } }))
    expect(failure['toString']).toEqual([{ message: 'nope', code: 'invalid', source: 'server' }])
  })

  it('deeply nested JSON reached the validator and could overflow the stack', () => {
    expect(() => parseJsonBody('['.repeat(10_000) + ']'.repeat(10_000), 64)).toThrow(/nested deeper/)
    expect(parseJsonBody('{"a":"[[[[[[[[[["}', 3)).toEqual({ a: '[[[[[[[[[[' })
    // The bracket count decides whether the walk runs: exactly at the limit passes, one more fails.
    expect(parseJsonBody('['.repeat(64) + ']'.repeat(64), 64)).toHaveLength(1)
    expect(() => parseJsonBody('{"a":' + '['.repeat(64) + ']'.repeat(64) + '}', 64)).toThrow(/nested deeper/)
  })

  it('the handler context was a literal with accessors, which V8 pretenured, so each request kept its socket alive through scavenges (HTTP at half speed)', async () => {
    const { createMizan } = await import('../../src/server/index.ts')
    const { createFetchHandler } = await import('../../src/server/adapters/fetch.ts')
    const { defineClient, createRouter } = createMizan()
    const seen: object[] = []
    const router = createRouter({
      peek: defineClient({}, (_input, ctx) => {
        seen.push(ctx)
        ctx.responseHeaders.set('X-Seen', String(ctx.signal instanceof AbortSignal))
        return null
      }),
    })
    const handler = createFetchHandler(router, { csrf: false })
    for (let i = 0; i < 2; i++) {
      const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: '{"fn":"peek"}' }))
      expect(res.headers.get('X-Seen')).toBe('true')
    }
    const [a, b] = seen as [object, object]
    // Accessors live on one shared prototype, not as fresh closures on every context.
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b))
    expect(Object.getPrototypeOf(a)).not.toBe(Object.prototype)
    for (const name of ['signal', 'responseHeaders']) expect(Object.getOwnPropertyDescriptor(a, name)).toBeUndefined()
  })
})

describe('regressions (bodies)', () => {
  it('invalid UTF-8 in a body was silently replaced with U+FFFD instead of refused', async () => {
    const { decodeUtf8 } = await import('../../src/server/json-body.ts')
    expect(() => decodeUtf8(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/)
    expect(decodeUtf8(new TextEncoder().encode('{"a":"café"}'))).toBe('{"a":"café"}')
  })

  it('non-object superjson meta (a string, an array) was accepted and ignored', async () => {
    const { createFetchHandler } = await import('../../src/server/adapters/fetch.ts')
    const { hardeningRouter } = await import('../hardening/hardening-router.ts')
    const handler = createFetchHandler(hardeningRouter, { csrf: false })
    for (const meta of ['"x"', '[]', '1']) {
      const res = await handler(new Request('http://127.0.0.1/api/mizan/call/', { method: 'POST', body: `{"fn":"echo","args":{"text":"x"},"meta":${meta}}` }))
      expect(res.status).toBe(400)
    }
  })
})
