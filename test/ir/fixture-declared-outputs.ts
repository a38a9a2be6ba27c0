/**
 * Output schemas for the fixture functions whose TS twin declares none (or declares a looser
 * one), written from the Python return annotations in test/interop/python/fixture_app/clients.py.
 * Laid over the twin, they show that what the exporter cannot reproduce is the twin's missing
 * declarations, not the exporter: these are the schemas the twin would need to carry.
 */
import { z } from 'zod'
import type { AnyServerFunction } from '../../src/server/defineClient.ts'
import { createRouter, type AnyServerRouter } from '../../src/server/router.ts'
import type { AnySchema } from '../../src/shared/types.ts'

/** Python `WhoAmI.id: int | str`; the twin says `z.number()`, which the IR spells "number". */
const WhoAmI = z.object({
  id: z.union([z.number().int(), z.string()]),
  username: z.string().nullable(),
  is_staff: z.boolean(),
  is_superuser: z.boolean(),
  user_class: z.string(),
})
const Post = z.object({ id: z.number().int(), title: z.string() }).meta({ id: 'Post' })

export const DECLARED_OUTPUTS: Record<string, AnySchema> = {
  // Primitive returns: Python wraps them in `{ result }`, which the twin's handlers return as is.
  add: z.object({ result: z.number().int() }),
  ping: z.object({ result: z.string() }),
  nothing: z.object({ result: z.null() }),
  typedArgs: z.object({ result: z.record(z.string(), z.unknown()) }),
  currentUser: z.object({ authenticated: z.boolean(), id: z.number().int().nullable().optional(), username: z.string().nullable().optional() }),
  liveStatus: z.object({ online: z.number().int() }),
  mwtObtain: z.object({ token: z.string(), expires_in: z.number().int() }),
  searchResults: z.object({ q: z.string(), page: z.number().int(), hits: z.array(z.string()) }),
  siteConfig: z.object({ site_name: z.string(), version: z.number().int() }),
  userPosts: z.array(Post),
  permissionCheckFn: WhoAmI,
  secureData: WhoAmI,
  staffOnly: WhoAmI,
  superuserOnly: WhoAmI,
  whoami: WhoAmI,
  wsWhoami: WhoAmI,
}

/** The same router with those outputs declared; everything else (forms included) is kept as it is. */
export function withDeclaredOutputs(router: AnyServerRouter): AnyServerRouter {
  const defs = Object.fromEntries(
    Object.entries(router.defs).map(([key, entry]) => {
      const output = DECLARED_OUTPUTS[key]
      if (!output) return [key, entry]
      const fn = entry as AnyServerFunction
      return [key, { ...fn, options: { ...fn.options, output } }]
    }),
  )
  return createRouter(defs as AnyServerRouter['defs'])
}
