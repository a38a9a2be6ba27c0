/** The recorded ground truth is well-formed: CI checks this on every run, cheaply. */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadGoldenCases } from './replay/golden-cases.ts'

const VECTORS = new URL('./vectors/', import.meta.url)
const readVector = (name: string) => JSON.parse(readFileSync(new URL(name, VECTORS), 'utf8')) as Record<string, unknown>

describe('golden cases', () => {
  const cases = loadGoldenCases()

  it('hold 60+ cases with unique names and sequence numbers', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length)
    expect(new Set(cases.map((c) => c.seq)).size).toBe(cases.length)
  })

  it('each has a description, a request and a response or frames', () => {
    for (const c of cases) {
      expect(c.description, c.name).toBeTruthy()
      expect(c.request.path, c.name).toMatch(/^\//)
      if (c.response) {
        expect(c.response.status, c.name).toBeGreaterThanOrEqual(200)
        if (c.response.json !== null) expect(JSON.parse(c.response.body), c.name).toBeDefined()
      } else {
        expect(c.frames?.length, c.name).toBeGreaterThan(0)
      }
    }
  })
})

describe('cross-language vectors', () => {
  it('are all present and parse', () => {
    const files = readdirSync(VECTORS).filter((f) => f.endsWith('.json'))
    expect(files).toEqual(expect.arrayContaining(['cache-keys.json', 'mwt.json', 'invalidate-header.json']))
  })

  it('cache keys are ctx:<context>:<sha256 hex> over the recorded message', () => {
    const vectors = readVector('cache-keys.json')['vectors'] as { context: string; key: string; message: string }[]
    expect(vectors.length).toBeGreaterThanOrEqual(10)
    for (const v of vectors) {
      expect(v.key).toMatch(new RegExp(`^ctx:${v.context}:[0-9a-f]{64}$`))
      expect(JSON.parse(v.message)).toHaveProperty('c', v.context)
    }
  })

  it('MWT vectors are three-part HS256 tokens', () => {
    const tokens = readVector('mwt.json')['tokens'] as { token: string }[]
    expect(tokens.length).toBeGreaterThan(0)
    for (const t of tokens) {
      const [header] = t.token.split('.')
      expect(t.token.split('.')).toHaveLength(3)
      expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toMatchObject({ alg: 'HS256' })
    }
  })
})
