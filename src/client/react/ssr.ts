/**
 * `mizan-ts/react/ssr`: the browser half of server-side rendering, as a plug-in. `<MizanContext>`
 * seeds its QueryClient from the page's SSR globals before its first render reads it (unless
 * `ssr={false}`), so a page rendered by `mizan-ts/ssr` or by a Python backend hydrates with no
 * request:
 *
 * ```ts
 * import { ssr } from 'mizan-ts/react/ssr'
 * const mizan = createMizanReact<AppRouter>({ use: [ssr] })
 * ```
 */
import { QueryClient } from '@tanstack/react-query'
import { createElement, useRef } from 'react'
import type { MizanReactPlugin } from './plugin.ts'
import { seedFromSSR } from './ssr-hydrate.ts'

export const ssr: MizanReactPlugin = {
  name: 'ssr',
  provider: (Provider, options) =>
    function MizanContext(props) {
      // The provider's QueryClient, made here when it is not given, so it is seeded before the provider reads it.
      const own = useRef<QueryClient | null>(null)
      const queryClient = props.queryClient ?? (own.current ??= new QueryClient())
      if (props.ssr !== false) seedFromSSR(queryClient, props.client?.dialect ?? options.dialect)
      return createElement(Provider, { ...props, queryClient })
    },
}

export { readSSRGlobals, readSSRProps, seedFromSSR, ssrGlobalNames, SSR_STATE_GLOBAL, type SSRGlobalNames, type SSRGlobals } from './ssr-hydrate.ts'
