/**
 * Every invalidation form the live Django backend sends, applied by our client to a TanStack
 * QueryClient, followed by the automatic refetch of exactly the targeted bundles (counted on
 * the wire), and merges written into the cache with no request at all.
 */
import { readFileSync } from 'node:fs'
import { loadGoldenCases } from '../replay/golden-cases.ts'
import { MutationObserver, QueryClient, QueryObserver } from '@tanstack/react-query'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMizanClient, type MizanClient } from '../../../src/client/index.ts'
import { applyMizanResponse, contextQueryKey, createMizanReact, registerMizanClient } from '../../../src/client/react/index.ts'
import type { WireBundle } from '../../../src/client/types.ts'
import { parseInvalidateHeader } from '../../../src/shared/invalidate-header.ts'
import type { izanaFixtureRouter } from '../replay/izana-fixture-router.ts'
import { countingFetch, startPythonBackend, type PythonBackend } from './python-backend.ts'

type Fixture = typeof izanaFixtureRouter
const mizan = createMizanReact<Fixture>({ dialect: 'izana' })

let backend: PythonBackend
beforeAll(async () => {
  backend = await startPythonBackend()
})
afterAll(async () => {
  await backend?.stop()
})

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/**
 * A QueryClient with the given bundles on screen (an observer each, as mounted components
 * would have), all loaded; the request log starts empty. `stripBody` makes call responses
 * lose their body `invalidate` so the client has to read the X-Izana-Invalidate header.
 */
async function screen(bundles: [name: string, params?: Record<string, unknown>][], options: { stripBody?: boolean } = {}) {
  const traffic = countingFetch(options.stripBody ? headerOnlyFetch : globalThis.fetch)
  // Reading the header is opt-in (`invalidateHeader`): conforming peers send the entries in the body.
  const api: MizanClient<Fixture> = createMizanClient<Fixture>({
    dialect: 'izana',
    baseUrl: backend.baseUrl,
    fetch: traffic.fetch,
    ...(options.stripBody ? { invalidateHeader: parseInvalidateHeader } : {}),
  })
  const queryClient = new QueryClient()
  registerMizanClient(queryClient, api)
  const observers = bundles.map(([name, params]) => {
    const observer = new QueryObserver(queryClient, anyContextOptions(name, params))
    cleanups.push(observer.subscribe(() => {}))
    return observer
  })
  cleanups.push(() => queryClient.clear())
  await vi.waitFor(() => expect(observers.map((o) => o.getCurrentResult().status)).toEqual(observers.map(() => 'success')), { timeout: 5_000 })
  traffic.reset()
  const bundle = (name: string, params?: Record<string, unknown>) => queryClient.getQueryData<WireBundle>(contextQueryKey(name, params))
  return { api, queryClient, traffic, bundle }
}

/** What a peer that only sends the header would look like: the body's `invalidate` removed. */
async function headerOnlyFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init)
  if (!String(input).endsWith('/call/') || !response.ok) return response
  const body = (await response.json()) as Record<string, unknown>
  delete body['invalidate']
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  return new Response(JSON.stringify(body), { status: response.status, statusText: response.statusText, headers })
}

/** The factory for a context chosen at runtime (the typed one wants a literal name). */
const anyContextOptions = mizan.queryOptions.context as (name: string, params?: Record<string, unknown>) => ReturnType<typeof mizan.queryOptions.context<'user'>>

const ALL: [string, Record<string, unknown>?][] = [['global'], ['user', { user_id: 1 }], ['user', { user_id: 2 }], ['search', { q: 'x', page: 1 }], ['counter']]
const sorted = (reads: string[]) => [...reads].sort()

describe('kernel + QueryClient → Python: invalidation and refetch', () => {
  it('a bare context name refetches every bundle of that context and nothing else', async () => {
    const s = await screen(ALL)
    const outcome = await s.api.call('refreshUsers')
    expect(outcome.invalidate).toEqual(['user'])
    await applyMizanResponse(s.queryClient, outcome)
    expect(sorted(s.traffic.contextReads())).toEqual(['user?user_id=1', 'user?user_id=2'])
  })

  it('a scoped entry refetches exactly the bundle with those params, fresh past the origin cache', async () => {
    const s = await screen(ALL)
    expect(s.bundle('user', { user_id: 1 })?.['user_profile']).toEqual({ name: 'Alice', user_id: 1 })
    const outcome = await s.api.call('updateProfile', { user_id: 1, name: 'Alicia' })
    expect(outcome).toEqual({ result: { message: 'updated 1' }, invalidate: [{ context: 'user', params: { user_id: 1 } }], merge: [] })
    await applyMizanResponse(s.queryClient, outcome)
    expect(s.traffic.contextReads()).toEqual(['user?user_id=1'])
    expect(s.bundle('user', { user_id: 1 })?.['user_profile']).toEqual({ name: 'Alicia', user_id: 1 })
    expect(s.bundle('user', { user_id: 2 })?.['user_profile']).toEqual({ name: 'Sam', user_id: 2 })
  })

  it('a list of targets: scoped user entry plus bare global, in declaration order', async () => {
    const s = await screen(ALL)
    const outcome = await s.api.call('touchEverything', { user_id: 2 })
    expect(outcome.invalidate).toEqual([{ context: 'user', params: { user_id: 2 } }, 'global'])
    await applyMizanResponse(s.queryClient, outcome)
    expect(sorted(s.traffic.contextReads())).toEqual(['global', 'user?user_id=2'])
  })

  it('a target declared twice is sent once and refetched once; the purged origin cache recomputes', async () => {
    const s = await screen(ALL)
    const before = (s.bundle('counter')?.['cached_counter'] as { count: number }).count
    const outcome = await s.api.call('bumpCounter')
    expect(outcome.invalidate).toEqual(['counter'])
    await applyMizanResponse(s.queryClient, outcome)
    expect(s.traffic.contextReads()).toEqual(['counter'])
    expect(s.bundle('counter')?.['cached_counter']).toEqual({ count: before + 1 })
  })

  it('a scoped entry with several params matches only the bundle with all of them', async () => {
    const s = await screen([['search', { q: 'x', page: 1 }], ['search', { q: 'x', page: 2 }], ['search', { q: 'y', page: 2 }], ['user', { user_id: 1 }]])
    const outcome = await s.api.call('reindex', { q: 'x', page: 2 })
    expect(outcome.invalidate).toEqual([{ context: 'search', params: { q: 'x', page: 2 } }])
    await applyMizanResponse(s.queryClient, outcome)
    expect(s.traffic.contextReads()).toEqual(['search?page=2&q=x'])
  })

  it('the X-Izana-Invalidate header alone (percent-encoded, string params) targets the same bundles', async () => {
    const q = 'café & co/日;=,'
    const s = await screen([['search', { q, page: 2 }], ['search', { q, page: 1 }], ['user', { user_id: 1 }], ['user', { user_id: 2 }]], { stripBody: true })
    const scoped = await s.api.call('reindex', { q, page: 2 })
    expect(scoped.invalidate).toEqual([{ context: 'search', params: { page: '2', q } }])
    await applyMizanResponse(s.queryClient, scoped)
    expect(s.traffic.contextReads()).toEqual(['search?page=2&q=caf%C3%A9+%26+co%2F%E6%97%A5%3B%3D%2C'])

    s.traffic.reset()
    const bare = await s.api.call('refreshUsers')
    expect(bare.invalidate).toEqual(['user'])
    await applyMizanResponse(s.queryClient, bare)
    expect(sorted(s.traffic.contextReads())).toEqual(['user?user_id=1', 'user?user_id=2'])

    s.traffic.reset()
    const listed = await s.api.call('touchEverything', { user_id: 1 })
    expect(listed.invalidate).toEqual([{ context: 'user', params: { user_id: '1' } }, 'global'])
    await applyMizanResponse(s.queryClient, listed)
    expect(s.traffic.contextReads()).toEqual(['user?user_id=1']) // no global bundle on this screen
  })

  it('mutationOptions applies the response by itself (the path the React hooks take)', async () => {
    const s = await screen(ALL)
    const observer = new MutationObserver(s.queryClient, mizan.mutationOptions('updateProfile'))
    expect(await observer.mutate({ user_id: 2, name: 'Samantha' })).toEqual({ message: 'updated 2' })
    expect(s.traffic.contextReads()).toEqual(['user?user_id=2'])
    expect(s.bundle('user', { user_id: 2 })?.['user_profile']).toEqual({ name: 'Samantha', user_id: 2 })
    observer.reset()
  })

  it('function-form entries ({function: …}) never come from Python: it refuses affects=<function> at registration', () => {
    // A Mizan-TS extension (docs/PROTOCOL.md §15): what the reference does instead is recorded.
    const { attempts } = JSON.parse(readFileSync(new URL('../vectors/registration-errors.json', import.meta.url), 'utf8')) as {
      attempts: { case: string; raises: string }[]
    }
    expect(attempts.find((a) => a.case === 'affects=<@client function reference>')?.raises).toBe('TypeError')
    const entries = loadGoldenCases().flatMap((c) => ((c.response?.json as { invalidate?: unknown[] } | null)?.invalidate ?? []) as unknown[])
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.filter((e) => typeof e === 'object' && e !== null && 'function' in e)).toEqual([])
  })
})

describe('kernel + QueryClient → Python: merge', () => {
  it('writes the result into the one matching bundle, with no request', async () => {
    const s = await screen(ALL)
    const seen: unknown[] = []
    const watcher = new QueryObserver(s.queryClient, { queryKey: contextQueryKey('user', { user_id: 2 }), enabled: false })
    cleanups.push(watcher.subscribe((r) => seen.push(r.data)))
    const outcome = await s.api.call('renameUser', { user_id: 2, name: 'Samwise' })
    expect(outcome.invalidate).toEqual([])
    expect(outcome.merge).toEqual([{ context: 'user', slot: 'user_profile', value: { user_id: 2, name: 'Samwise' }, params: { user_id: 2 } }])
    await applyMizanResponse(s.queryClient, outcome)
    expect(s.traffic.contextReads()).toEqual([])
    expect(s.bundle('user', { user_id: 2 })?.['user_profile']).toEqual({ user_id: 2, name: 'Samwise' })
    expect(s.bundle('user', { user_id: 2 })?.['user_posts']).toHaveLength(3)
    expect(s.bundle('user', { user_id: 1 })?.['user_profile']).toMatchObject({ user_id: 1 })
    expect(seen.at(-1)).toMatchObject({ user_profile: { name: 'Samwise' } }) // observers were notified
  })

  it('a merge without params goes into every bundle of the context', async () => {
    const s = await screen(ALL)
    const outcome = await s.api.call('newProfile')
    expect(outcome.merge).toEqual([{ context: 'user', slot: 'user_profile', value: { user_id: 9, name: 'Nine' } }])
    await applyMizanResponse(s.queryClient, outcome)
    expect(s.traffic.contextReads()).toEqual([])
    expect(s.bundle('user', { user_id: 1 })?.['user_profile']).toEqual({ user_id: 9, name: 'Nine' })
    expect(s.bundle('user', { user_id: 2 })?.['user_profile']).toEqual({ user_id: 9, name: 'Nine' })
  })

  it('merge and invalidate together: the merge lands, only the invalidated bundle is refetched', async () => {
    const s = await screen(ALL)
    const outcome = await s.api.call('renameAndTouch', { user_id: 1, name: 'Al' })
    expect(outcome.invalidate).toEqual(['global'])
    expect(outcome.merge).toEqual([{ context: 'user', slot: 'user_profile', value: { user_id: 1, name: 'Al' }, params: { user_id: 1 } }])
    await applyMizanResponse(s.queryClient, outcome)
    expect(s.traffic.contextReads()).toEqual(['global'])
    expect(s.bundle('user', { user_id: 1 })?.['user_profile']).toEqual({ user_id: 1, name: 'Al' })
  })
})
