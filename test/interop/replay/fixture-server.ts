import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import type { DispatchOptions } from '../../../src/server/dispatch.ts'
import { MemoryCache } from '../../../src/server/cache/backend.ts'
import type { Dialect } from '../../../src/shared/protocol.ts'
import { fixtureIdentity } from './fixture-identity.ts'
import { FIXTURE_SECRETS, izanaFixtureRouter, type FixtureUser } from './izana-fixture-router.ts'

/** Options that make our server stand in for the recorded Python fixture, in either spelling. */
export function fixtureServerOptions(dialect: Dialect): DispatchOptions<FixtureUser> {
  return {
    dialect,
    onError: () => {},
    resolveUser: fixtureIdentity(dialect),
    cache: { backend: new MemoryCache(), secret: FIXTURE_SECRETS.cache },
  }
}

export function fixtureFetchHandler(dialect: Dialect) {
  return createFetchHandler(izanaFixtureRouter, fixtureServerOptions(dialect))
}
