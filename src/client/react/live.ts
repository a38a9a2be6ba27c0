/**
 * `mizan-ts/react/live`: live invalidation, as a plug-in. Under every `<MizanContext>` it keeps
 * the server told (over the WebSocket, plugged in for you) which context bundles the page holds,
 * and refetches one when a mutation anywhere invalidates it. The server must enable
 * `liveInvalidation`. Also provides `useLiveInvalidation()` and `useConnectionStatus()`.
 *
 * ```ts
 * import { live } from 'mizan-ts/react/live'
 * const mizan = createMizanReact<AppRouter>({ use: [live] })
 * ```
 */
import { createElement } from 'react'
import { useConnectionStatus } from './channel-hooks.ts'
import { LiveInvalidation, useLiveInvalidation, type LiveInvalidationOptions } from './live-invalidation.ts'
import type { MizanReactPlugin } from './plugin.ts'
import { withSocket } from './socket-provider.ts'

/** The `live` plug-in with options: `use: [liveWith({ coalesceMs: 100 })]`. */
export function liveWith(liveOptions: LiveInvalidationOptions = {}): MizanReactPlugin {
  return {
    name: 'live',
    hook: ({ kind }) => (kind === 'useLiveInvalidation' ? useLiveInvalidation : kind === 'useConnectionStatus' ? useConnectionStatus : undefined),
    provider: (Provider, options) =>
      withSocket(function MizanContext(props) {
        // The listener renders with the children, once the `global` bundle is there.
        return createElement(Provider, props, createElement(LiveInvalidation, { options: liveOptions }), props.children)
      }, options),
  }
}

export const live: MizanReactPlugin = liveWith()

export { useConnectionStatus, useLiveInvalidation, type LiveInvalidationOptions }
