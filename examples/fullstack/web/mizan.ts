/**
 * The one typed handle the UI uses. `AppRouter` is imported as a type only: it is erased at
 * build time, so no server code (zod schemas, handlers, the in-memory store) reaches the bundle.
 */
import { createMizanReact } from '../../../src/client/createMizanReact.ts'
import type { AppRouter } from '../server/router.ts'

// `live: true` mounts live invalidation under <MizanContext>: the page tells the server (over the
// WebSocket at /ws/) which context bundles it holds, and refetches one when a mutation anywhere,
// from any browser, invalidates or merges it. Calls and context reads still go over HTTP.
export const mizan = createMizanReact<AppRouter>({ live: true })
