/**
 * `webSocketTransport`: the kernel's socket plug-in. It gives the client its one socket (opened on
 * first use) and sends over it the calls and context reads the client's `transport` option routes
 * there, read exactly as the kernel reads HTTP answers; everything else still goes over HTTP.
 */
import { withRetry } from '../retry.ts'
import type { Answer, SocketConnector, UntypedMizanClient } from '../types.ts'
import { WsConnection } from './connection.ts'

export const webSocketTransport: SocketConnector = (client, { options, clientId, cookies, payload, outcome, bundle }) => {
  const { transport, transformer } = options
  const socket = new WsConnection({ ...options.websocket, baseUrl: client.baseUrl, clientId, clientHeaders: options.headers, cookies, json: options.json })
  // Forms (`<form>.schema|validate|submit`, dotted wire names) always use HTTP, whatever the routing.
  const routed = (key: string) => !key.includes('.') && (transport === 'websocket' || (typeof transport === 'object' && transport.websocket.includes(key)))
  async function ask(frame: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Answer> {
    const { data, meta } = await socket.request(transformer ? { ...frame, superjson: true } : frame, signal)
    return { body: data, status: 200, meta }
  }
  const extended: UntypedMizanClient = {
    ...client,
    socket,
    call: async (key, input, callOptions = {}) =>
      routed(key) ? outcome(await ask({ action: 'rpc', ...payload(key, input) }, callOptions.signal)) : client.call(key, input, callOptions),
    context: (name, params, contextOptions = {}) => {
      if (!routed(name)) return client.context(name, params, contextOptions)
      const { signal } = contextOptions
      return withRetry(async () => bundle(await ask({ action: 'ctx', context: name, params: params ?? {} }, signal), name), options.retry, signal)
    },
  }
  return extended
}
