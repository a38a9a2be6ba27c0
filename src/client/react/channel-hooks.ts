import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { canonicalParams, realtimeOf, type ChannelStatus, type ChannelSubscription, type ConnectionStatus } from '../ws-transport.ts'
import type { ChannelHookOptions, ChannelState } from './channel-types.ts'
import { named, useRuntime } from './runtime.ts'

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
  return named(function useMizanChannel(params?: unknown, options: ChannelHookOptions = {}): ChannelState<unknown, unknown> {
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
  }, hookName)
}

/** The shared socket's status. */
export function useConnectionStatus(): ConnectionStatus {
  const { client } = useRuntime('useConnectionStatus')
  const connection = realtimeOf(client).connection
  return useSyncExternalStore(
    (notify) => connection.onStatus(notify),
    () => connection.status,
    () => 'idle',
  )
}
