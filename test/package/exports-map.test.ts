/**
 * Every exports entry follows one rule (scripts/package-exports.mjs): its source under the
 * `mizan-source` condition, then the built `.d.ts` and `.js` in dist/ at the same path. An entry
 * written the old way (`default` pointing into src/) would ship TypeScript to users again.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { exportProblems, publishedManifest, SOURCE_CONDITION } from '../../scripts/package-exports.mjs'
import { REPO } from './packed.ts'

const manifest = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { exports: Record<string, Record<string, string>>; imports: object }

describe('the exports map', () => {
  it('gives every entry its source, types and JavaScript, in that order', () => {
    // An entry in another form: `node scripts/fix-exports.mjs` rewrites it.
    expect(exportProblems(manifest)).toEqual([])
  })

  it('is published without the source condition', () => {
    const { exports, imports } = publishedManifest(manifest)
    const published = JSON.stringify({ exports, imports })
    expect(published).not.toContain(SOURCE_CONDITION)
    expect(published).not.toContain('./src/')
  })

  it('the rule catches an entry that points users at TypeScript', () => {
    const old = { exports: { './x': { types: './dist/types/x.d.ts', default: './src/x.ts' } } }
    expect(exportProblems(old)).toEqual([{ name: './x', message: expect.stringContaining('"default":"./dist/x.js"') }])
  })
})

describe('the package-internal imports', () => {
  it('point at src/ in the repository and at the built files when published', () => {
    expect(manifest.imports).toEqual({ '#client-cookies': { browser: './src/client/cookies-browser.ts', default: './src/client/cookies.ts' } })
    expect(publishedManifest(manifest).imports).toEqual({
      '#client-cookies': { browser: './dist/client/cookies-browser.js', default: './dist/client/cookies.js' },
    })
  })
})
