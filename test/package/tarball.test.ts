/**
 * What `npm pack` ships: dist/ (JavaScript, declarations, source maps), README, LICENSE and the
 * manifest, nothing else (no src/, test/, bench/, examples/); and the two linters of published
 * packages, publint and attw (ESM-only profile: the package has no CommonJS build), find
 * nothing. The file count and size are printed for the record.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { packedTarball, REPO } from './packed.ts'

let tarball = ''
let listing: { path: string; size: number }[] = []

beforeAll(() => {
  tarball = packedTarball()
  listing = execFileSync('tar', ['-tzvf', tarball], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const fields = line.trim().split(/\s+/)
      return { path: fields.at(-1)!.replace(/^package\//, ''), size: Number(fields[2]) }
    })
}, 180_000)

describe('the packed tarball', () => {
  it('holds only dist/, README.md, LICENSE and package.json', () => {
    const outside = listing.map((f) => f.path).filter((path) => !path.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(path))
    expect(outside).toEqual([])
    for (const required of ['README.md', 'LICENSE', 'package.json']) expect(listing.map((f) => f.path)).toContain(required)
    const unpacked = listing.reduce((sum, f) => sum + f.size, 0)
    console.log(`mizan-ts tarball: ${listing.length} files, ${statSync(tarball).size} B packed, ${unpacked} B unpacked`)
  })

  it('ships JavaScript with declarations and source maps, and no TypeScript source', () => {
    const paths = new Set(listing.map((f) => f.path))
    const sources = [...paths].filter((path) => /\.tsx?$/.test(path) && !path.endsWith('.d.ts'))
    expect(sources).toEqual([])
    const js = [...paths].filter((path) => path.endsWith('.js'))
    expect(js.length).toBeGreaterThan(50)
    expect(js.filter((path) => !paths.has(`${path}.map`) || !paths.has(path.replace(/\.js$/, '.d.ts')))).toEqual([])
  })

  it('publishes a manifest with no source condition and the bin built', () => {
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>
    const text = JSON.stringify({ exports: manifest['exports'], imports: manifest['imports'], bin: manifest['bin'] })
    expect(text).not.toContain('mizan-source')
    expect(text).not.toContain('./src/')
    expect(manifest['bin']).toEqual({ mizan: './dist/cli/bin.js' })
    expect(manifest['dependencies']).not.toHaveProperty('tsx')
    // The repository's manifest is left as it was by prepack/postpack.
    expect(readFileSync(join(REPO, 'package.json'), 'utf8')).toContain('"mizan-source"')
  })

  it('publint finds nothing', () => {
    const out = execFileSync(process.execPath, [join(REPO, 'node_modules/publint/src/cli.js'), 'run', tarball, '--strict'], { encoding: 'utf8' })
    expect(out).toContain('All good!')
  }, 60_000)

  it('attw (ESM-only profile) finds nothing', () => {
    // Exits non-zero on any problem under the profile's resolution modes (node16 from ESM, bundler).
    const out = execFileSync(process.execPath, [join(REPO, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only', '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
    const { problems } = JSON.parse(out) as { problems: Record<string, { resolutionKind?: string }[]> }
    const counted = Object.values(problems)
      .flat()
      .filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs')
    expect(counted).toEqual([])
  }, 120_000)
})
