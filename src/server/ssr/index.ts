/**
 * Server-side rendering with the data already in the page (`mizan-ts/ssr`):
 *
 * ```tsx
 * const page = await prefetchForSSR({
 *   router, user, headers: request.headers,
 *   contexts: [{ context: 'user', params: { user_id: 1 } }],
 *   forms: ['contact'],
 * })
 * const stream = renderMizanToPipeableStream(<App queryClient={page.queryClient} />, page, {
 *   template, onShellReady: () => stream.pipe(res),
 * })
 * ```
 *
 * In the browser, `<mizan.MizanContext queryClient={…}>` under `hydrateRoot` seeds its cache
 * from the page (the protocol's `__MIZAN_SSR_DATA__`, or `__IZANA_SSR_DATA__`, plus the
 * dehydrated cache), so its first render requests nothing that was prefetched.
 */
export { prefetchForSSR } from './prefetch.ts'
export type { MizanSSRPage, SSRCallRequest, SSRContextRequest, SSRPrefetchError, SSRPrefetchOptions } from './prefetch.ts'
export { DEFAULT_OUTLET, renderMizanToPipeableStream, renderMizanToString, splitTemplate } from './render.ts'
export type { MizanPipeableStream, MizanRenderOptions } from './render.ts'
export { scriptSafeJson, sortKeysDeep } from './serialize.ts'
export { readSSRGlobals, readSSRProps, seedFromSSR, ssrGlobalNames, SSR_STATE_GLOBAL } from '../../client/react/ssr-hydrate.ts'
