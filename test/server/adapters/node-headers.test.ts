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
