/**
 * The one typed handle the UI uses. `AppRouter` is imported as a type only: it is erased at
 * build time, so no server code (zod schemas, handlers, the in-memory store) reaches the bundle.
 */
import { createMizanReact } from '../../../src/client/createMizanReact.ts'
import type { AppRouter } from '../server/router.ts'

export const mizan = createMizanReact<AppRouter>()
