import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { applyMizanResponse } from './apply-response.ts'
import { useRuntime } from './runtime.ts'
import type { ChannelHookOptions, ChannelState } from './channel-types.ts'
import { canonicalParams, realtimeOf, type ChannelStatus, type ChannelSubscription, type ConnectionStatus } from '../ws-transport.ts'

interface HookState {
  messages: unknown[]
  status: ChannelStatus
  error: string | null
}

/**
 * `use<Name>Channel(params)`: subscribes while mounted (one server subscription however many
 * components ask for the same params), re-subscribes when params change, and keeps the latest
 * messages. Reconnects and re-subscriptions are the kernel's.
 */
export function createChannelHook(key: string, hookName: string) {
  function useMizanChannel(params?: unknown, options: ChannelHookOptions = {}): ChannelState<unknown, unknown> {
    const runtime = useRuntime(hookName)
    const { keep = 100, enabled = true } = options
    const paramsKey = canonicalParams(params ?? {})
    const [state, setState] = useState<HookState>({ messages: [], status: enabled ? 'connecting' : 'closed', error: null })
    const subscription = useRef<ChannelSubscription | null>(null)
    const latest = useRef({ params, keep, onMessage: options.onMessage })
    latest.current = { params, keep, onMessage: options.onMessage }

    useEffect(() => {
      if (!enabled) {
        setState((s) => ({ ...s, status: 'closed' }))
        return
      }
      setState({ messages: [], status: 'connecting', error: null })
      const handle = realtimeOf(runtime.client).channel(key, latest.current.params ?? {}, {
        onMessage: (message, frame) => {
          latest.current.onMessage?.(message, frame)
          setState((s) => ({ ...s, messages: [...s.messages, message].slice(-Math.max(1, latest.current.keep)) }))
        },
        onStatus: (status) => setState((s) => ({ ...s, status, error: status === 'open' ? null : s.error })),
        onError: (error) => setState((s) => ({ ...s, error })),
      })
      subscription.current = handle
      setState((s) => ({ ...s, status: handle.status }))
      return () => {
        subscription.current = null
        handle.close()
      }
    }, [runtime.client, paramsKey, enabled])

    const send = useCallback((message: unknown) => subscription.current?.send(message), [])
    return { messages: state.messages, last: state.messages[state.messages.length - 1], send, status: state.status, error: state.error }
  }
  Object.defineProperty(useMizanChannel, 'name', { value: hookName })
  return useMizanChannel
}

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

export function useConnectionStatus(): ConnectionStatus {
  const { client } = useRuntime('useConnectionStatus')
  const connection = realtimeOf(client).connection
  return useSyncExternalStore(
    (notify) => connection.onStatus(notify),
    () => connection.status,
    () => 'idle',
  )
}

/** Mounted under `<MizanContext>` by `createMizanReact({ live: true })`. */
export function LiveInvalidation(): null {
  useLiveInvalidation()
  return null
}
