import { useEffect } from 'react'
import { realtimeOf } from '../ws-transport.ts'
import { LiveRefetcher, type LiveInvalidationOptions } from './live-refetch.ts'
import { useRuntime } from './runtime.ts'

export type { LiveInvalidationOptions }

/**
 * Watches every context bundle in the QueryClient (mounted or only cached: a cached bundle
 * must not come back stale) and applies the server's invalidation frames to it, coalesced
 * (see LiveRefetcher): a burst of changes to one bundle costs a few refetches, not one each.
 */
export function useLiveInvalidation(enabled = true, options: LiveInvalidationOptions = {}): void {
  const coalesceMs = options.coalesceMs
  const { client, queryClient } = useRuntime('useLiveInvalidation')
  useEffect(() => {
    if (!enabled) return
    const realtime = realtimeOf(client)
    const watching = new Map<string, () => void>()
    const cache = queryClient.getQueryCache()
    const sync = () => {
      const present = new Set<string>()
      for (const query of cache.findAll({ queryKey: ['mizan', 'ctx'] })) {
        const [, , name, params] = query.queryKey as readonly [string, string, string, Record<string, unknown>]
        present.add(query.queryHash)
        // Watched as it enters the cache, before its fetch starts; data already there (hydrated, set by hand) dates from its update.
        const since = query.state.dataUpdatedAt || Date.now()
        if (!watching.has(query.queryHash)) watching.set(query.queryHash, realtime.watch(name, params, { since }))
      }
      for (const [hash, stop] of watching) {
        if (!present.has(hash)) {
          stop()
          watching.delete(hash)
        }
      }
    }
    sync()
    const stopCache = cache.subscribe((event) => {
      if (event.type === 'added' || event.type === 'removed') sync()
    })
    const refetcher = new LiveRefetcher(queryClient, coalesceMs === undefined ? {} : { coalesceMs })
    const stopFrames = realtime.onInvalidate((entries) => refetcher.invalidate(entries))
    return () => {
      stopCache()
      stopFrames()
      refetcher.dispose()
      for (const stop of watching.values()) stop()
    }
  }, [client, queryClient, enabled, coalesceMs])
}

/** Mounted under every `<MizanContext>` by the `live` plug-in. */
export function LiveInvalidation({ options }: { options?: LiveInvalidationOptions | undefined }): null {
  useLiveInvalidation(true, options)
  return null
}
