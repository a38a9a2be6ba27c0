/**
 * `mizan-ts/react`: `createMizanReact` and the React Query glue, plus the kernel. Opt-in
 * plug-ins, each from its own entry: `mizan-ts/react/forms`, `mizan-ts/react/channels`,
 * `mizan-ts/react/live`, `mizan-ts/react/ssr`.
 */
export * from '../createMizanReact.ts'
export { mergeIntoBundle } from './apply-response.ts'
export { callQueryKey, contextQueryKey, sortedParams, type CallQueryKey, type ContextQueryKey } from './query-keys.ts'
export { CONTEXT_QUERY_DEFAULTS } from './query-builders.ts'
export type { MizanProvider, MizanProviderProps } from './mizan-provider.tsx'
export type { ErrorFallback } from './scope-gate.tsx'
export type { HookTarget } from './hook-names.ts'
export type * from './form-types.ts'
export type { SSRGlobalNames, SSRGlobals } from './ssr-hydrate.ts'
export * from '../index.ts'
