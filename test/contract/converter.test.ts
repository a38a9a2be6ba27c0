/**
 * `mizan contract` on the reference IR of the interop fixture: the generated module is checked
 * in (test/contract/generated/fixture-contract.ts), must stay what the converter produces,
 * must type a client correctly (and reject wrong calls), and must export back to the same IR.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/mizan.ts'
import { createCaller } from '../../src/server/caller.ts'
import { exportIr } from '../../src/server/ir/export-ir.ts'
import { readIr } from '../../src/server/ir/read-ir.ts'
import { irToContract } from '../../src/server/ir/to-contract.ts'
import { izanaFixtureRouter } from '../interop/replay/izana-fixture-router.ts'
import { dropBlocks, GOLDEN_IR_PATH, goldenIr } from '../ir/ir-blocks.ts'
import { channels, contract } from './generated/fixture-contract.ts'
import { typecheckVirtual, type FileDiagnostic } from './typecheck-virtual.ts'

const GENERATED = fileURLToPath(new URL('./generated/fixture-contract.ts', import.meta.url))
const APP_WITH_CHANNELS = fileURLToPath(new URL('../ir/app-with-channels.ts', import.meta.url))
const RUNTIME = '../../../src/server/contract.ts'
const regenerate = `npx tsx src/cli/mizan.ts contract test/interop/golden-ir/fixture.kdl -o test/contract/generated/fixture-contract.ts --runtime ${RUNTIME}`

/** The IR lists the types of private and view functions but not the functions, so a contract cannot declare them. */
const NOT_DECLARABLE = ['type exportCsvInput', 'type exportCsvOutput', 'type secretFnOutput', 'type viewMutationInput', 'type viewMutationOutput']

const usage = (name: string) => join(fileURLToPath(new URL('./generated/', import.meta.url)), name)
const OK_FILE = usage('usage-ok.virtual.ts')
const BAD_FILE = usage('usage-bad.virtual.ts')

const OK_SOURCE = `import type { z } from 'zod'
import { createCaller } from '../../../src/server/caller.ts'
import type { CallableKeys, ContextParams, OutputOf } from '../../../src/shared/types.ts'
import { channels, contract, type AppRouter } from './fixture-contract.ts'

const api = createCaller(contract)
export async function calls() {
  const sum: number = (await api.add({ a: 1, b: 2 })).result
  const message: string = (await api.echo({ text: 'hi' })).message
  const first: number | undefined = (await api.listItems())[0]?.id
  const maybe: string | undefined = (await api.maybeItem({ found: false }))?.name
  await api.reindex({ q: 'café' })
  await api.typedArgs({ flag: true, ratio: 0.5, item: { id: 1, name: 'a' }, note: null })
  const renamed: number = (await api.renameUser({ user_id: 1, name: 'Ally' })).user_id
  const bundle = await api.$context('user', { user_id: 1, limit: 2 })
  const profile: { user_id: number; name: string } = bundle.userProfile
  const posts: { id: number; title: string }[] = bundle.userPosts
  const search: ContextParams<AppRouter, 'search'> = { q: 'x' }
  const key: CallableKeys<AppRouter> = 'wsRename'
  const who: OutputOf<AppRouter, 'whoami'> = { id: 'x', username: null, is_staff: false, is_superuser: false, user_class: 'User' }
  const room: z.infer<typeof channels.chat.params> = { room: 'lobby' }
  return [sum, message, first, maybe, renamed, profile, posts, search, key, who, room]
}
`

/** Each line marked ✗ must fail to type-check, and no other line may. */
const BAD_SOURCE = `import { createCaller } from '../../../src/server/caller.ts'
import { contract } from './fixture-contract.ts'

const api = createCaller(contract)
export async function calls() {
  await api.add({ a: 1, b: 'two' }) // ✗ wrong argument type
  await api.echo({}) // ✗ missing argument
  await api.noSuchFunction() // ✗ unknown function
  const n: number = (await api.echo({ text: 'x' })).message // ✗ wrong result type
  await api.$context('user', { user_id: 'one' }) // ✗ wrong param type
  await api.ping({ extra: 1 }) // ✗ takes no input
  return n
}
`

const markedLines = (source: string) => source.split('\n').flatMap((line, i) => (line.includes('// ✗') ? [i + 1] : []))

describe('mizan contract (fixture IR)', () => {
  it('generates the checked-in contract, so it never drifts from the converter', () => {
    const fresh = irToContract(readIr(goldenIr()), { runtime: RUNTIME, source: 'fixture.kdl' })
    expect(fresh, `regenerate with: ${regenerate}`).toBe(readFileSync(GENERATED, 'utf8'))
  })

  it('exports back to the original IR, except the types of functions the IR does not list', () => {
    expect(exportIr(contract, { channels })).toBe(dropBlocks(goldenIr(), NOT_DECLARABLE))
  })

  it('declares rather than implements: every call answers NOT_IMPLEMENTED', async () => {
    await expect(createCaller(contract).add({ a: 1, b: 2 })).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED', status: 501 })
    expect([...contract.functions.keys()]).toEqual(expect.arrayContaining(['contact.schema', 'contact.validate', 'contact.submit', 'mwt_obtain']))
    expect(contract.contexts.get('user')?.members.map((m) => m.wireName)).toEqual(['user_posts', 'user_profile', 'user_stats'])
  })

  describe('type-checking a client of the contract', () => {
    let results: Record<string, FileDiagnostic[]> = {}
    beforeAll(() => {
      results = typecheckVirtual({ [OK_FILE]: OK_SOURCE, [BAD_FILE]: BAD_SOURCE })
    }, 60_000)

    it('accepts correct calls', () => {
      expect(results[OK_FILE]).toEqual([])
    })

    it('rejects each mismatched call, on its own line', () => {
      const lines = [...new Set(results[BAD_FILE]!.map((d) => d.line))]
      expect(lines).toEqual(markedLines(BAD_SOURCE))
      expect(results[BAD_FILE]!.find((d) => d.line === 6)?.message).toMatch(/'string' is not assignable to type 'number'/)
    })
  })
})

describe('mizan CLI', () => {
  let dir = ''
  const io = () => {
    const out = { stdout: '', stderr: '' }
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } }
  }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mizan-cli-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes the contract file', async () => {
    const target = join(dir, 'contract.ts')
    const { out, io: sink } = io()
    expect(await main(['contract', fileURLToPath(GOLDEN_IR_PATH), '-o', target, '--runtime', RUNTIME], sink)).toBe(0)
    expect(readFileSync(target, 'utf8')).toBe(readFileSync(GENERATED, 'utf8'))
    expect(out.stderr).toContain(`wrote ${target}`)
  })

  it('exports a router module to IR on stdout', async () => {
    const { out, io: sink } = io()
    expect(await main(['ir', GENERATED, '--export', 'contract'], sink)).toBe(0)
    expect(out.stdout).toBe(exportIr(contract, { channels }))
  })

  it("exports a router's own channels once, though the module also exports them as `channels`", async () => {
    const { out, io: sink } = io()
    expect(await main(['ir', APP_WITH_CHANNELS], sink)).toBe(0)
    expect(out.stdout).toBe(exportIr(izanaFixtureRouter))
    expect(out.stdout.match(/^channel "chat" \{$/gm)).toHaveLength(1)
  })

  it('fails with the line at fault for a broken IR, and with usage for bad arguments', async () => {
    const broken = join(dir, 'broken.kdl')
    writeFileSync(broken, 'type "A" {\n    struct {\n        field "x" { primitive "decimal" }\n    }\n}\n')
    const first = io()
    expect(await main(['contract', broken], first.io)).toBe(1)
    expect(first.out.stderr).toMatch(/IR line 3.*unknown primitive 'decimal'/)
    const second = io()
    expect(await main(['contract'], second.io)).toBe(2)
    expect(second.out.stderr).toContain('usage:')
  })
})
