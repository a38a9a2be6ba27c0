/**
 * The typed handle for the Python fixture backend. Its router type is the TS twin of the
 * Django fixture (snake_case data keys, as the Python signatures); imported as a type only,
 * so nothing of the twin's server code reaches the bundle.
 */
import { createMizanReact } from '../../../src/client/react/index.ts'
import type { izanaFixtureRouter } from '../replay/izana-fixture-router.ts'

export const mizan = createMizanReact<typeof izanaFixtureRouter>({ dialect: 'izana' })
