import { createMizan } from '../../src/server/index.ts'

/** A router that overrides a wire name, so clients must be told `wireNames`. */
const { defineClient, createRouter } = createMizan()
const legacy = defineClient({ name: 'old_legacy_name' }, () => ({ ok: true }))
const fresh = defineClient({}, () => ({ ok: true }))
export const namedRouter = createRouter({ legacy, fresh })
export type NamedRouter = typeof namedRouter
