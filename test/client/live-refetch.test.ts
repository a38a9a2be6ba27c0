/**
 * Regression for "no coalescing": 50 invalidations of one bundle in 2 s made 50 GETs. With a
 * real QueryClient and an observed query (as a mounted component holds it), a burst costs a few
 * refetches, never two at once, and the last one starts after the last invalidation, so the
 * data ends as the source's.
 */
import { QueryClient, QueryObserver } from '@tanstack/react-query'
import { afterEach, describe, expect, it } from 'vitest'
import { LiveRefetcher } from '../../src/client/react/live-refetch.ts'
import { contextQueryKey } from '../../src/client/react/query-keys.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const cleanups: (() => void)[] = []
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean()
})

/** A "server" whose board has a version, read by a query with a 15 ms round trip. */
function setup(coalesceMs?: number) {
  const source = { version: 0, reads: 0, inFlight: 0, maxInFlight: 0 }
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } })
  const read = (board: number) => async () => {
    source.reads++
    source.maxInFlight = Math.max(source.maxInFlight, ++source.inFlight)
    const version = source.version
    await sleep(15)
    source.inFlight--
    return { board, version }
  }
  const observe = (board: number) => {
    const observer = new QueryObserver(queryClient, { queryKey: contextQueryKey('board', { board_id: board }), queryFn: read(board) })
    cleanups.push(observer.subscribe(() => {}))
    return observer
  }
  const refetcher = new LiveRefetcher(queryClient, coalesceMs === undefined ? {} : { coalesceMs })
  cleanups.push(() => refetcher.dispose(), () => queryClient.clear())
  return { source, queryClient, observe, refetcher }
}

describe('LiveRefetcher', () => {
  it('50 invalidations in 2 s: at most 10 refetches, one at a time, ending on the last version', async () => {
    const { source, observe, refetcher } = setup()
    const board1 = observe(1)
    const board2 = observe(2)
    await sleep(50)
    source.reads = 0
    source.maxInFlight = 0
    for (let i = 1; i <= 50; i++) {
      source.version = i
      refetcher.invalidate([{ context: 'board', params: { board_id: 1 } }])
      await sleep(40)
    }
    await sleep(700)
    expect(source.reads).toBeGreaterThanOrEqual(2)
    expect(source.reads).toBeLessThanOrEqual(10)
    expect(source.maxInFlight).toBe(1)
    expect(board1.getCurrentResult().data).toEqual({ board: 1, version: 50 })
    // Board 2 was never named: not refetched, still its first read.
    expect(board2.getCurrentResult().data).toEqual({ board: 2, version: 0 })
  })

  it('an invalidation after a quiet spell refetches at once', async () => {
    const { source, observe, refetcher } = setup()
    const board = observe(1)
    await sleep(400)
    source.version = 7
    const at = Date.now()
    refetcher.invalidate(['board'])
    while (board.getCurrentResult().data?.version !== 7) await sleep(2)
    expect(Date.now() - at).toBeLessThan(100)
  })

  it('the window is configurable: 0 still never runs two refetches of one bundle at once', async () => {
    const { source, observe, refetcher } = setup(0)
    const board = observe(1)
    await sleep(50)
    source.reads = 0
    source.maxInFlight = 0
    for (let i = 1; i <= 20; i++) {
      source.version = i
      refetcher.invalidate(['board'])
      await sleep(3)
    }
    await sleep(200)
    expect(source.maxInFlight).toBe(1)
    expect(source.reads).toBeLessThan(20)
    expect(board.getCurrentResult().data).toEqual({ board: 1, version: 20 })
  })
})
