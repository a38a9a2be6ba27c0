/** A router module as an app writes one: the router, and its channels exported beside it for `publish`. */
import { izanaFixtureRouter } from '../interop/replay/izana-fixture-router.ts'

export { izanaFixtureRouter }
export const channels = { chat: izanaFixtureRouter.defs.chat }
