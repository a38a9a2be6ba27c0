/**
 * The plain-JavaScript SHA-256 and HMAC the fetch adapter uses where no native crypto is offered
 * (Workers), checked against node:crypto on random text: cache keys must stay byte-identical to
 * izana-core's on every runtime.
 */
import { createHash, createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hmacSha256Hex, jsHmacSha256Hex, jsSha256Hex, sha256Hex } from '../../src/server/sha256.ts'

describe('sha256 without node:crypto', () => {
  it('matches node:crypto for any text, across block boundaries', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(jsSha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'))
      }),
      { numRuns: 500 },
    )
    for (let length = 50; length < 140; length++) {
      const text = 'a'.repeat(length)
      expect(jsSha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'))
    }
  })

  it('HMAC matches node:crypto, keys longer than a block included', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 150 }), fc.string({ unit: 'grapheme', maxLength: 200 }), (key, text) => {
        expect(jsHmacSha256Hex(key, text)).toBe(createHmac('sha256', key).update(text, 'utf8').digest('hex'))
      }),
      { numRuns: 500 },
    )
  })

  it('the exported functions agree with the JavaScript path (native where offered)', () => {
    expect(sha256Hex('1:0:app.view')).toBe(jsSha256Hex('1:0:app.view'))
    expect(hmacSha256Hex('secret', 'ctx\u0000todos')).toBe(jsHmacSha256Hex('secret', 'ctx\u0000todos'))
  })
})
