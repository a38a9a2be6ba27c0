import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import type { DispatchOptions } from '../../../src/server/dispatch.ts'
import { MemoryCache } from '../../../src/server/cache/backend.ts'
import type { Dialect } from '../../../src/shared/protocol.ts'
import { fixtureIdentity } from './fixture-identity.ts'
import type { AnyServerRouter } from '../../../src/server/router.ts'
import { createFixtureState, FIXTURE_SECRETS, izanaFixtureRouter, state, type FixtureUser } from './izana-fixture-router.ts'
import { createRound2State, round2FixtureRouter, round2State } from './round2-fixture-router.ts'

/** Options that make our server stand in for the recorded Python fixture, in either spelling. */
export function fixtureServerOptions(dialect: Dialect): DispatchOptions<FixtureUser> {
  return {
    dialect,
    onError: () => {},
    resolveUser: fixtureIdentity(dialect),
    cache: { backend: new MemoryCache(), secret: FIXTURE_SECRETS.cache },
  }
}

export function fixtureFetchHandler(dialect: Dialect, router: AnyServerRouter = izanaFixtureRouter) {
  return createFetchHandler(router, fixtureServerOptions(dialect))
}

/**
 * The twin of the server a case was recorded on, with its state fresh: `round2` cases come from
 * a third Python server (fresh process, flushed Redis) that serves the primary fixture and round2.py.
 */
export function freshFixture(server: 'primary' | 'round2'): AnyServerRouter {
  state.current = createFixtureState()
  round2State.current = createRound2State()
  return server === 'round2' ? round2FixtureRouter : izanaFixtureRouter
}
