/**
 * Server-side data for a server-rendered page: run the page's contexts and calls in-process
 * (createCaller: same auth, validation and errors as HTTP, no request), put the results in a
 * QueryClient under the exact keys the React hooks read, and say how to ship them in the page.
 */
import { dehydrate, QueryClient, type DehydratedState, type Query } from '@tanstack/react-query'
import { ssrGlobalNames } from '../../client/react/ssr-hydrate.ts'
import { formSchemaQueryKey } from '../../client/react/form-query.ts'
import { callQueryKey, contextQueryKey } from '../../client/react/query-keys.ts'
import { MizanError } from '../../shared/errors.ts'
import { GLOBAL_CONTEXT, type Dialect } from '../../shared/protocol.ts'
import type { CallArgs, CallableKeys, ContextNames, ContextParams, FormKeys, HasRequiredParams, InputOf } from '../../shared/types.ts'
import { createCaller, type CallerContextOf } from '../caller.ts'
import { isForm } from '../forms/define-form.ts'
import type { AnyServerRouter } from '../router.ts'
import { assignGlobals, scriptSafeJson, scriptTag, sortKeysDeep } from './serialize.ts'
import { isResponse } from '../is-response.ts'

/** A context bundle the page renders: its provider's params must equal these (same types) to hit the cache. */
export type SSRContextRequest<R extends AnyServerRouter> = {
  [C in ContextNames<R>]: HasRequiredParams<R, C> extends true
    ? { context: C; params: ContextParams<R, C> }
    : { context: C; params?: ContextParams<R, C> }
}[ContextNames<R>]

/** A plain function the page reads with `useQuery(mizan.queryOptions.call(key, args))`. */
export type SSRCallRequest<R extends AnyServerRouter> = {
  [K in CallableKeys<R>]: CallArgs<InputOf<R, K>> extends [input: infer I] ? { call: K; args: I } : { call: K; args?: InputOf<R, K> }
}[CallableKeys<R>]

export interface SSRPrefetchOptions<R extends AnyServerRouter> {
  router: R
  /** Who the page is for, resolved as the HTTP handler resolves it (e.g. from the session cookie). */
  user?: CallerContextOf<R>['user']
  /** The page request's headers, handed to the functions as `ctx.headers` (and to the router's request-context factory). */
  headers?: Headers
  /** Anything else for the in-process caller (`raw`, `signal`, `onError`, the app's `context`). */
  caller?: Omit<CallerContextOf<R>, 'user' | 'headers'>
  /** Prefetch the `global` bundle (default `true`; turn off with `<MizanContext global={false}>`). */
  global?: boolean
  contexts?: readonly SSRContextRequest<R>[]
  calls?: readonly SSRCallRequest<R>[]
  /** Forms whose field schema (`<name>.schema`) the page renders: `use<Name>Form()` then needs no request. */
  forms?: readonly FormKeys<R>[]
  /** Page props, written as `__MIZAN_SSR_PROPS__` (read them with `readSSRProps()`). */
  props?: unknown
  /** Spelling of the SSR globals: `'mizan'` (default) or `'izana'`. */
  dialect?: Dialect
  /** Seed this client instead of a new one. */
  queryClient?: QueryClient
}

export interface SSRPrefetchError {
  /** What failed: `ctx:user`, `call:list_items`, `form:contact`. */
  target: string
  error: MizanError
}

export interface MizanSSRPage {
  /** Render the app with this client: `<mizan.MizanContext queryClient={page.queryClient}>`. */
  queryClient: QueryClient
  /** The `global` bundle written as the protocol's SSR data global (keys sorted), when it loaded. */
  global: Record<string, unknown> | undefined
  props: unknown
  dialect: Dialect
  /** Prefetches that failed; their queries are left to the browser (which then shows the error the same way). */
  errors: SSRPrefetchError[]
  /** The dehydrated cache that `__MIZAN_SSR_STATE__` carries (everything but the `global` bundle when that goes in the data global). */
  dehydrate(): DehydratedState
  /** `window.__MIZAN_SSR_PROPS__=…;window.__MIZAN_SSR_DATA__=…;window.__MIZAN_SSR_STATE__=…;`, script-safe. */
  scriptContent(): string
  /** The same in a `<script>` tag: put it in the page outside the React root. */
  script(options?: { nonce?: string }): string
}

const toMizanError = (error: unknown): MizanError =>
  error instanceof MizanError ? error : new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: error })

/** A JSON round trip: the browser receives JSON, so the server must render exactly that (Dates as strings, no undefined). */
const asJson = (value: unknown): unknown => (value === undefined ? null : (JSON.parse(JSON.stringify(value ?? null)) as unknown))

/** A view function's Response cannot travel in a bundle; HTTP sends `null` for it too. */
const wireValue = (value: unknown): unknown => (isResponse(value) ? null : value)

/**
 * Prefetch what a page renders, in parallel, and keep it for rendering and for the page.
 *
 * ```ts
 * const page = await prefetchForSSR({ router, user, headers, contexts: [{ context: 'user', params: { user_id: 1 } }] })
 * const html = renderMizanToString(<App queryClient={page.queryClient} />, page, { template })
 * ```
 */
export async function prefetchForSSR<R extends AnyServerRouter>(options: SSRPrefetchOptions<R>): Promise<MizanSSRPage> {
  const { router } = options
  const dialect = options.dialect ?? 'mizan'
  const queryClient = options.queryClient ?? new QueryClient()
  const caller = createCaller(router, { ...options.caller, user: options.user ?? null, headers: options.headers } as CallerContextOf<R>) as unknown as Record<
    string,
    ((input?: unknown) => Promise<unknown>) | undefined
  > & { $contextWire(name: string, params?: Record<string, unknown>): Promise<Record<string, unknown>> }
  const errors: SSRPrefetchError[] = []
  let global: Record<string, unknown> | undefined

  const attempt = async (target: string, run: () => Promise<void>) => {
    try {
      await run()
    } catch (error) {
      errors.push({ target, error: toMizanError(error) })
    }
  }
  const bundleOf = async (name: string, params?: unknown) => {
    const bundle = await caller.$contextWire(name, (params ?? {}) as Record<string, unknown>)
    return Object.fromEntries(Object.entries(bundle).map(([wire, value]) => [wire, wireValue(value)]))
  }

  const jobs: Promise<void>[] = []
  if (options.global !== false) {
    jobs.push(
      attempt(`ctx:${GLOBAL_CONTEXT}`, async () => {
        if (!router.contexts.has(GLOBAL_CONTEXT)) {
          // No global context: the browser would get a 404 and use `{}`; give it `{}` now.
          queryClient.setQueryData(contextQueryKey(GLOBAL_CONTEXT), {})
          return
        }
        // Sorted at every level, as the reference writes it; the server renders the same copy.
        global = sortKeysDeep(await bundleOf(GLOBAL_CONTEXT)) as Record<string, unknown>
        queryClient.setQueryData(contextQueryKey(GLOBAL_CONTEXT), global)
      }),
    )
  }
  for (const request of options.contexts ?? []) {
    const { context, params } = request as { context: string; params?: unknown }
    jobs.push(attempt(`ctx:${context}`, async () => void queryClient.setQueryData(contextQueryKey(context, params), asJson(await bundleOf(context, params)))))
  }
  for (const request of options.calls ?? []) {
    const { call: key, args } = request as { call: string; args?: unknown }
    const reg = [...router.functions.values()].find((r) => r.key === key)
    jobs.push(
      attempt(`call:${reg?.wireName ?? key}`, async () => {
        const fn = caller[key]
        if (!reg || !fn) throw new MizanError('NOT_FOUND', `Function '${key}' not found`)
        queryClient.setQueryData(callQueryKey(reg.wireName, args), asJson(wireValue(await fn(args))))
      }),
    )
  }
  for (const key of options.forms ?? []) {
    const entry = (router.defs as Record<string, unknown>)[key]
    jobs.push(
      attempt(`form:${key}`, async () => {
        const fn = caller[`${key}.schema`]
        if (!isForm(entry) || !fn || !entry.name) throw new MizanError('NOT_FOUND', `Form '${key}' not found`)
        queryClient.setQueryData(formSchemaQueryKey(entry.name), asJson(await fn({})))
      }),
    )
  }
  await Promise.all(jobs)

  const names = ssrGlobalNames(dialect)
  const isGlobalQuery = (query: Query) => query.queryKey[0] === 'mizan' && query.queryKey[1] === 'ctx' && query.queryKey[2] === GLOBAL_CONTEXT
  const dehydrateState = () =>
    dehydrate(queryClient, {
      // Only data: a failed or pending query is the browser's to fetch. The global bundle rides in the protocol's own global.
      shouldDehydrateQuery: (query) => query.state.status === 'success' && !(global !== undefined && isGlobalQuery(query)),
    })
  const scriptContent = () => {
    const entries: [string, string][] = []
    if (options.props !== undefined) entries.push([names.props, scriptSafeJson(sortKeysDeep(options.props))])
    if (global !== undefined) entries.push([names.data, scriptSafeJson(global)])
    entries.push([names.state, scriptSafeJson(dehydrateState())])
    return assignGlobals(entries)
  }
  return {
    queryClient,
    get global() {
      return global
    },
    props: options.props,
    dialect,
    errors,
    dehydrate: dehydrateState,
    scriptContent,
    script: ({ nonce } = {}) => scriptTag(scriptContent(), nonce),
  }
}
