import { describe, expect, it } from 'vitest'
import { NodeHeaders } from '../../../src/server/adapters/node-headers.ts'

describe('NodeHeaders over node’s lowercase header object', () => {
  const headers = new NodeHeaders({ 'x-mizan-superjson': '1', 'content-type': 'application/json', 'x-list': ['a', 'b'] })

  it('finds a header whatever the case it is asked for in, again and again', () => {
    for (let i = 0; i < 3; i++) {
      expect(headers.get('X-Mizan-Superjson')).toBe('1')
      expect(headers.get('x-mizan-superjson')).toBe('1')
      expect(headers.get('CONTENT-TYPE')).toBe('application/json')
      expect(headers.has('Content-Type')).toBe(true)
    }
  })

  it('answers null for a missing header and joins repeated values as Headers does', () => {
    expect(headers.get('X-Missing')).toBeNull()
    expect(headers.has('X-Missing')).toBe(false)
    expect(headers.get('X-List')).toBe('a, b')
  })

  it('keeps answering for names past the ones it remembers', () => {
    for (let i = 0; i < 300; i++) expect(headers.get(`X-Custom-${i}`)).toBeNull()
    expect(headers.get('X-Mizan-Superjson')).toBe('1')
    const many = new NodeHeaders({ 'x-custom-299': 'late' })
    expect(many.get('X-Custom-299')).toBe('late')
  })
})

describe('NodeHeaders and names that objects inherit', () => {
  it("answers null for 'constructor', 'toString' and '__proto__' unless the request sent them", () => {
    const headers = new NodeHeaders({ 'content-type': 'application/json' })
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(headers.get(name)).toBeNull()
      expect(headers.has(name)).toBe(false)
    }
    const sent = new NodeHeaders({ constructor: 'sent' })
    expect(sent.get('Constructor')).toBe('sent')
  })
})
