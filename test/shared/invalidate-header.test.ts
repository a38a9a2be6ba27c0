import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatInvalidateHeader, parseInvalidateHeader } from '../../src/shared/invalidate-header.ts'
import type { InvalidateEntry } from '../../src/shared/protocol.ts'

const vectors = (
  JSON.parse(readFileSync(new URL('../interop/vectors/invalidate-header.json', import.meta.url), 'utf8')) as {
    vectors: { note: string; invalidate: InvalidateEntry[]; header: string }[]
  }
).vectors

describe('X-…-Invalidate header', () => {
  it.each(vectors.map((v) => [v.note, v] as const))('formats like the reference: %s', (_note, v) => {
    expect(formatInvalidateHeader(v.invalidate)).toBe(v.header)
  })

  it('parses back every reference header to the same targets (values as strings)', () => {
    for (const v of vectors) {
      const parsed = parseInvalidateHeader(v.header)
      expect(parsed.length, v.note).toBe(v.invalidate.length)
      parsed.forEach((entry, i) => {
        const original = v.invalidate[i]!
        if (typeof original === 'string') expect(entry).toBe(original)
        else if ('context' in original && typeof entry === 'object' && 'context' in entry) {
          expect(entry.context).toBe(original.context)
          expect(Object.keys(entry.params).sort()).toEqual(Object.keys(original.params).sort())
        }
      })
    }
  })

  it('round-trips our function-level extension', () => {
    const entries: InvalidateEntry[] = [{ function: 'list_items' }, { function: 'user_posts', params: { user_id: '7' } }]
    expect(parseInvalidateHeader(formatInvalidateHeader(entries))).toEqual(entries)
  })
})
