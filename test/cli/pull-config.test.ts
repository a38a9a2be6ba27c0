/** `mizan.config.*`: found, loaded with its paths made absolute, and refused with a message that says what is wrong. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/mizan.ts'
import { ConfigError, findConfig, loadConfig } from '../../src/cli/pull-config.ts'
import { pull } from '../../src/cli/pull.ts'

const dir = mkdtempSync(join(tmpdir(), 'mizan-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function config(name: string, body: string): string {
  writeFileSync(join(dir, name), body)
  return join(dir, name)
}

describe('mizan.config', () => {
  it('is found in the folder, and its paths are made absolute against it', async () => {
    config('mizan.config.mjs', "export default { source: { file: 'api.kdl' }, output: 'src/api' }")
    const path = findConfig(dir)
    expect(path).toBe(join(dir, 'mizan.config.mjs'))
    expect(await loadConfig(path)).toEqual({ source: { file: join(dir, 'api.kdl') }, output: join(dir, 'src/api') })
  })

  it('refuses a config without output, with two sources, or with an unknown dialect', async () => {
    await expect(loadConfig(config('a.mjs', "export default { source: { file: 'x' } }"))).rejects.toThrow(/'output'.*is required/)
    await expect(loadConfig(config('b.mjs', "export default { source: { file: 'x', url: 'y' }, output: 'o' }"))).rejects.toThrow(/exactly one of django, file or url/)
    await expect(loadConfig(config('c.mjs', "export default { source: { file: 'x' }, output: 'o', dialect: 'flask' }"))).rejects.toThrow(ConfigError)
    expect(() => findConfig(join(dir, 'nowhere'))).toThrow(/no mizan\.config\.ts/)
  })

  it('pulls from an IR file, writes only what changed, and the CLI says what is missing instead of throwing', async () => {
    copyFileSync(fileURLToPath(new URL('../interop/golden-ir/fixture.kdl', import.meta.url)), join(dir, 'api.kdl'))
    const loaded = await loadConfig(join(dir, 'mizan.config.mjs'))
    const first = await pull(loaded)
    expect(first.written).toEqual([join(dir, 'src/api/contract.ts'), join(dir, 'src/api/client.ts')])
    expect(readFileSync(join(dir, 'src/api/contract.ts'), 'utf8')).toContain('export type AppRouter = typeof contract')
    expect((await pull(loaded)).written).toEqual([])

    writeFileSync(join(dir, 'api.kdl'), 'function "ping"\n')
    await expect(pull(loaded)).rejects.toThrow(/IR line 1/)
    const errors: string[] = []
    const code = await main(['pull', '--config', join(dir, 'missing.mjs')], { stdout: () => {}, stderr: (t) => errors.push(t) })
    expect(code).toBe(1)
    expect(errors.join('')).toMatch(/no config at .*missing\.mjs/)
  })
})
