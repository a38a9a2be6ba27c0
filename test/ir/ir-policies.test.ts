/** The Mizan-TS extension of the IR: auth gates, rev and cache policy, written on request and read back into a contract. */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineClient } from '../../src/server/defineClient.ts'
import { exportIr } from '../../src/server/ir/export-ir.ts'
import { readIr } from '../../src/server/ir/read-ir.ts'
import { irToContract } from '../../src/server/ir/to-contract.ts'
import { createRouter } from '../../src/server/router.ts'

const router = createRouter({
  whoami: defineClient({ auth: true }, () => ({ ok: true })),
  audit: defineClient({ auth: 'staff' }, () => ({ ok: true })),
  owner: defineClient({ auth: (ctx) => ctx.user?.id === 1 }, () => ({ ok: true })),
  siteConfig: defineClient({ context: 'global', rev: 2, cache: 30 }, () => ({ name: 'x' })),
  liveCount: defineClient({ context: 'live', cache: false, input: z.object({ room: z.string() }) }, () => 1),
})

describe('IR policies', () => {
  it('are left out by default, so the document stays the reference’s', () => {
    expect(exportIr(router)).not.toMatch(/^\s+(auth|rev|cache) /m)
  })

  it('are written with policies: true and read back, a predicate gate left out', () => {
    const doc = readIr(exportIr(router, { policies: true }))
    const byName = Object.fromEntries(doc.functions.map((fn) => [fn.name, fn]))
    expect(byName['whoami']).toMatchObject({ auth: 'required' })
    expect(byName['audit']).toMatchObject({ auth: 'staff' })
    expect(byName['owner']!.auth).toBeUndefined()
    expect(byName['site_config']).toMatchObject({ rev: 2, cache: 30 })
    expect(byName['live_count']).toMatchObject({ cache: false })
  })

  it('reach the contract’s declareClient calls', () => {
    const contract = irToContract(readIr(exportIr(router, { policies: true })))
    expect(contract).toContain("whoami: declareClient({ output: whoamiOutput, auth: true })")
    expect(contract).toContain("audit: declareClient({ output: auditOutput, auth: 'staff' })")
    expect(contract).toContain("siteConfig: declareClient({ context: 'global', output: siteConfigOutput, rev: 2, cache: 30 })")
    expect(contract).toContain('cache: false')
  })

  it('refuses a gate the protocol does not know', () => {
    const text = exportIr(router, { policies: true }).replace('auth "staff"', 'auth "admin"')
    expect(() => readIr(text)).toThrow(/unknown auth 'admin'/)
  })
})
