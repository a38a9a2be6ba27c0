/** Property-based tests for every parser and serializer on the wire. */
import fc from 'fast-check'
import superjson from 'superjson'
import { describe, expect, it } from 'vitest'
import { codeForStatus, errorFromBody } from '../../src/client/errors.ts'
import { contextQueryKey } from '../../src/client/react/query-keys.ts'
import { cacheKeyMessage, deriveCacheKey } from '../../src/server/cache/keys.ts'
import { coerceQueryValue } from '../../src/server/schema.ts'
import { formatInvalidateHeader, parseInvalidateHeader } from '../../src/shared/invalidate-header.ts'
import type { InvalidateEntry } from '../../src/shared/protocol.ts'

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/)
const paramValue = fc.string({ unit: 'grapheme', maxLength: 12 })
const params = fc.dictionary(name, paramValue, { maxKeys: 4 })

describe('properties', () => {
  it('invalidate header: parse ∘ format = id (string params, any characters)', () => {
    const entry: fc.Arbitrary<InvalidateEntry> = fc.oneof(
      name,
      fc.record({ context: name, params }).map((e) => (Object.keys(e.params).length ? e : e.context)),
      fc.record({ function: name, params }).map((e) => (Object.keys(e.params).length ? e : { function: e.function })),
    )
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), (entries) => {
        const header = formatInvalidateHeader(entries)
        expect(header).not.toMatch(/[\r\n]/)
        const sortedBack = parseInvalidateHeader(header)
        expect(sortedBack).toEqual(entries)
      }),
    )
  })

  it('cache keys do not depend on param order, and differ when a value differs', () => {
    fc.assert(
      fc.property(name, params, fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: null }), fc.nat(5), (ctx, p, user, rev) => {
        const reversed = Object.fromEntries(Object.entries(p).reverse())
        expect(deriveCacheKey('s', ctx, reversed, user, rev)).toBe(deriveCacheKey('s', ctx, p, user, rev))
        expect(cacheKeyMessage(ctx, p, user, rev)).toMatch(/^[\x20-\x7e]*$/)
        const first = Object.keys(p)[0]
        if (first !== undefined) expect(deriveCacheKey('s', ctx, { ...p, [first]: p[first] + '!' }, user, rev)).not.toBe(deriveCacheKey('s', ctx, p, user, rev))
      }),
    )
  })

  it('error envelopes: flat and nested parse to the same error; anything else is HTTP_<status>', () => {
    fc.assert(
      fc.property(fc.constantFrom('NOT_FOUND', 'VALIDATION_ERROR', 'FORBIDDEN'), fc.string(), fc.integer({ min: 400, max: 599 }), (code, message, status) => {
        const flat = errorFromBody(status, '', JSON.stringify({ error: true, code, message }))
        const nested = errorFromBody(status, '', JSON.stringify({ error: { code, message } }))
        expect([flat.code, flat.message]).toEqual([code, message])
        expect([nested.code, nested.message]).toEqual([code, message])
      }),
    )
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 400, max: 599 }), (text, status) => {
        let envelope = false
        try {
          const parsed = JSON.parse(text) as { error?: unknown }
          envelope = typeof parsed === 'object' && parsed !== null && 'error' in parsed
        } catch {
          envelope = false
        }
        if (!envelope) expect(errorFromBody(status, '', text).code).toBe(codeForStatus(status))
      }),
    )
  })

  it('query coercion: decimal numbers round-trip, everything else stays a string', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(coerceQueryValue(String(n), 'number')).toBe(Number(String(n)))
      }),
    )
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = coerceQueryValue(text, 'integer')
        if (typeof out === 'number') expect(Number.isFinite(out)).toBe(true)
        else expect(out).toBe(text)
      }),
    )
  })

  it('superjson round-trips what the client may send', () => {
    const value = fc.oneof(fc.date({ noInvalidDate: true }), fc.bigInt(), fc.string(), fc.integer(), fc.constant(undefined))
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 4 }), (obj) => {
        const { json, meta } = superjson.serialize(obj)
        expect(superjson.deserialize({ json: JSON.parse(JSON.stringify(json)), meta })).toEqual(obj)
      }),
    )
  })

  it('query keys: the same params in any order give the same key', () => {
    fc.assert(
      fc.property(name, params, (ctx, p) => {
        expect(contextQueryKey(ctx, Object.fromEntries(Object.entries(p).reverse()))).toEqual(contextQueryKey(ctx, p))
      }),
    )
  })
})
