/**
 * Regression: `mizan-ts/server` exported RedisCache, so every app that imported the server entry
 * loaded ioredis at startup (a Fetch-adapter app on a runtime without `node:net` could not start)
 * and parsed ioredis's typings on every type-check (+45 MB peak and +0.5 s for tsc on the
 * 3,000-function bench router). Redis now lives behind its own entry points only.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { sourceOf } from '../../scripts/package-exports.mjs'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const REDIS_ENTRIES = new Set(['./cache/redis', './channels/redis', './rate-limit/redis'])
const manifest = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { exports: Record<string, unknown> }
const source = (entry: string): string => sourceOf(manifest.exports[entry])!

/** The packages an entry's module graph reaches, imports of types included (a superset of what it loads). */
function packagesReached(entry: string): Set<string> {
  const program = ts.createProgram([`${REPO}${entry}`], {
    allowImportingTsExtensions: true,
    noEmit: true,
    noLib: true,
    types: [],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
  })
  const packages = new Set<string>()
  for (const file of program.getSourceFiles()) {
    const inside = file.fileName.split('node_modules/').at(-1)
    if (inside === undefined || inside === file.fileName) continue
    const parts = inside.split('/')
    packages.add(parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? ''))
  }
  return packages
}

describe('ioredis stays behind the Redis entry points', () => {
  const entries = Object.entries(manifest.exports).filter(([name]) => !REDIS_ENTRIES.has(name))

  it('covers the server entry and the adapters', () => {
    expect(entries.map(([name]) => name)).toEqual(expect.arrayContaining(['./server', './adapters/node', './adapters/fetch', './client']))
  })

  for (const [name] of entries) {
    it(`mizan-ts${name.slice(1)} reaches no ioredis`, () => {
      expect([...packagesReached(source(name))]).not.toContain('ioredis')
    }, 30_000)
  }

  it('mizan-ts/cache/redis does reach it (the check can see ioredis)', () => {
    expect(packagesReached(source('./cache/redis'))).toContain('ioredis')
  })
})
