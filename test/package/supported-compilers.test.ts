/** One list of supported compilers: what package.json installs, which the bench must measure too. */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { installedVersion, typescriptCompilers } from '../../scripts/typescript-compilers.ts'

const REPO = fileURLToPath(new URL('../../', import.meta.url))

describe('supported TypeScript compilers', () => {
  it('are read from package.json, typescript itself first, each installed at the version it asks for', () => {
    const compilers = typescriptCompilers(`${REPO}package.json`)
    expect(compilers[0]?.name).toBe('typescript')
    expect(compilers.length).toBeGreaterThan(1)
    for (const { name, version } of compilers) expect(installedVersion(`${REPO}node_modules`, name).startsWith(`${version}.`)).toBe(true)
  })

  it('are the ones the bench measures, major and minor alike', () => {
    expect(typescriptCompilers(`${REPO}bench/package.json`)).toEqual(typescriptCompilers(`${REPO}package.json`))
  })
})
