import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface GoldenCase {
  name: string
  description: string
  seq: number
  server: 'primary' | 'stock' | 'round2'
  auth: null | { user?: string; via?: string; token?: string; bearer?: string }
  csrf: boolean
  scrubbed: string[]
  request: {
    method: string
    path: string
    query?: Record<string, string>
    headers: Record<string, string>
    body: string | null
  }
  response?: {
    status: number
    headers: Record<string, string | string[]>
    body: string
    json: unknown
  }
  frames?: { dir: 'send' | 'recv' | 'close'; data: unknown; text?: string }[]
}

export const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url))

/** Every recorded case, in the order the recorder sent them (the fixture keeps state). */
export function loadGoldenCases(): GoldenCase[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(GOLDEN_DIR + f, 'utf8')) as GoldenCase)
    .sort((a, b) => a.seq - b.seq)
}
