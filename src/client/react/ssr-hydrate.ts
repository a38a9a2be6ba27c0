/**
 * The browser half of server-side rendering: reading what the server left in the page.
 *
 * - `window.__MIZAN_SSR_DATA__` (Izana: `__IZANA_SSR_DATA__`) is the protocol's global: the
 *   `global` context bundle, keyed by wire name, exactly as a Python backend's `izana.ssr`
 *   writes it. It becomes the cached `['mizan','ctx','global',{}]` entry.
 * - `window.__MIZAN_SSR_PROPS__` (`__IZANA_SSR_PROPS__`) is the page's props, for the app.
 * - `window.__MIZAN_SSR_STATE__` is a Mizan-TS extension: the dehydrated React Query cache
 *   (every other prefetched context bundle and call), hydrated as it is.
 *
 * `<MizanContext>` seeds its QueryClient from them during its first render, before any gate
 * reads the cache, so the first render after hydration needs no request for that data.
 */
import { hydrate, type DehydratedState, type QueryClient } from '@tanstack/react-query'
import { DIALECTS, GLOBAL_CONTEXT, type Dialect } from '../../shared/protocol.ts'
import type { WireBundle } from '../types.ts'
import { contextQueryKey } from './query-keys.ts'

/** Not part of the protocol, so one spelling for every dialect. */
export const SSR_STATE_GLOBAL = '__MIZAN_SSR_STATE__'

export interface SSRGlobalNames {
  /** The protocol's SSR data global: the `global` bundle. */
  data: string
  /** The page props global. */
  props: string
  /** The dehydrated React Query cache (Mizan-TS). */
  state: string
}

/** Global variable names for a dialect: `__MIZAN_SSR_DATA__`/`__MIZAN_SSR_PROPS__` or the Izana spelling. */
export function ssrGlobalNames(dialect: Dialect = 'mizan'): SSRGlobalNames {
  const data = DIALECTS[dialect].ssrGlobal
  return { data, props: data.replace(/DATA__$/, 'PROPS__'), state: SSR_STATE_GLOBAL }
}

export interface SSRGlobals {
  data: WireBundle | undefined
  props: unknown
  state: DehydratedState | undefined
}

type GlobalScope = Record<string, unknown>

function pageScope(): GlobalScope | undefined {
  return typeof window === 'undefined' ? undefined : (window as unknown as GlobalScope)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isDehydratedState(value: unknown): value is DehydratedState {
  return isRecord(value) && Array.isArray(value['queries']) && Array.isArray(value['mutations'])
}

/** What the server left in the page for this dialect (nothing on the server or in a page without SSR). */
export function readSSRGlobals(dialect: Dialect = 'mizan', scope: GlobalScope | undefined = pageScope()): SSRGlobals {
  const names = ssrGlobalNames(dialect)
  const data = scope?.[names.data]
  const state = scope?.[names.state]
  return { data: isRecord(data) ? data : undefined, props: scope?.[names.props], state: isDehydratedState(state) ? state : undefined }
}

/** The page props the server rendered with (`__MIZAN_SSR_PROPS__`, or the dialect's spelling). */
export function readSSRProps<T = unknown>(dialect: Dialect = 'mizan'): T | undefined {
  return readSSRGlobals(dialect).props as T | undefined
}

// Page data describes the page as it was served: it seeds one QueryClient, once. A client made
// later (a remount, a second root) must fetch, or it would show the first response forever.
const consumed = new WeakSet<object>()
const seededClients = new WeakSet<QueryClient>()

/**
 * Put the page's SSR data into a QueryClient: the dehydrated cache as it is, then the
 * protocol's `global` bundle unless the cache already has one. Returns whether anything was
 * applied. Safe to call on every render: each client and each page object is used once.
 */
export function seedFromSSR(queryClient: QueryClient, dialect: Dialect = 'mizan', scope: GlobalScope | undefined = pageScope()): boolean {
  if (!scope || seededClients.has(queryClient)) return false
  const { data, state } = readSSRGlobals(dialect, scope)
  let applied = false
  if (state && !consumed.has(state)) {
    consumed.add(state)
    hydrate(queryClient, state)
    applied = true
  }
  if (data && !consumed.has(data)) {
    consumed.add(data)
    const key = contextQueryKey(GLOBAL_CONTEXT)
    if (queryClient.getQueryData(key) === undefined) queryClient.setQueryData(key, data)
    applied = true
  }
  if (applied) seededClients.add(queryClient)
  return applied
}
