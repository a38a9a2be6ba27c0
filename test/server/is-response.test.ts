import { describe, expect, it } from 'vitest'
import { isResponse } from '../../src/server/is-response.ts'

class Redirect extends Response {}
class Record {
  status = 200
}

describe('isResponse', () => {
  it('is true for a Response and a subclass of it', () => {
    expect(isResponse(new Response('x'))).toBe(true)
    expect(isResponse(Response.json({ a: 1 }))).toBe(true)
    expect(isResponse(new Redirect(null, { status: 302 }))).toBe(true)
  })

  it('is false for what functions usually return', () => {
    for (const value of [{ result: 1 }, [1, 2], 'text', 3, null, undefined, true, new Date(), new Record(), Object.create(null), new Map()]) {
      expect(isResponse(value)).toBe(false)
    }
  })

  it('is not fooled by a plain object that names a constructor of its own', () => {
    expect(isResponse({ constructor: Response, status: 200 })).toBe(false)
    expect(isResponse({ constructor: 'Response' })).toBe(false)
  })
})
