import { useEffect } from 'react'
import { realtimeOf } from '../ws-transport.ts'
import { applyMizanResponse } from './apply-response.ts'
import { useRuntime } from './runtime.ts'

/**
 * Watches every context bundle in the QueryClient (mounted or only cached: a cached bundle
 * must not come back stale) and applies the server's invalidation frames to it.
 */
export function useLiveInvalidation(enabled = true): void {
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
        if (!watching.has(query.queryHash)) watching.set(query.queryHash, realtime.watch(name, params))
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
    const stopFrames = realtime.onInvalidate((entries) => void applyMizanResponse(queryClient, { invalidate: entries }))
    return () => {
      stopCache()
      stopFrames()
      for (const stop of watching.values()) stop()
    }
  }, [client, queryClient, enabled])
}

/** Mounted under every `<MizanContext>` by the `live` plug-in. */
export function LiveInvalidation(): null {
  useLiveInvalidation()
  return null
}
