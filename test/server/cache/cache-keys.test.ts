import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cacheKeyMessage, deriveCacheKey } from '../../../src/server/cache/keys.ts'

const { vectors } = JSON.parse(readFileSync(new URL('../../interop/vectors/cache-keys.json', import.meta.url), 'utf8')) as {
  vectors: { note: string; secret: string; context: string; params: Record<string, unknown>; user_id: string | null; rev: number; message: string; key: string }[]
}

// JSON.parse cannot tell Python's 2.0 from 2 or 1e+20 from 10**20: JS has one number type.
// HTTP params are query strings, so this only matters for float args of a scoped purge.
const floatVsInt = (v: (typeof vectors)[number]) => v.context === 'nums'

describe('cache keys, against the reference vectors', () => {
  it('keeps the integral and fractional numbers JS can represent', () => {
    const nums = vectors.find(floatVsInt)!
    expect(cacheKeyMessage('nums', { f: 1.5, i: 0, j: 1e20 }, null, 0)).toBe('{"c":"nums","p":{"f":"1.5","i":"0","j":"100000000000000000000"},"r":0}')
    expect(nums.message).toContain('"f":"1.5"')
  })

  it.each(vectors.filter((v) => !floatVsInt(v)).map((v) => [v.note, v] as const))('%s', (_note, v) => {
    expect(cacheKeyMessage(v.context, v.params, v.user_id, v.rev)).toBe(v.message)
    expect(deriveCacheKey(v.secret, v.context, v.params, v.user_id, v.rev)).toBe(v.key)
  })
})
