import { createElement } from 'react'
import type { AnyRouter } from '../../shared/types.ts'
import type { MizanClientOptions } from '../options.ts'
import { webSocketTransport } from '../ws/socket-client.ts'
import type { MizanProvider } from './mizan-provider.tsx'

/**
 * `<MizanContext>` whose kernels carry the WebSocket transport (for the `channels` and `live`
 * plug-ins). The provider's own `client.websocket` still replaces the handle's, as a whole.
 */
export function withSocket(Provider: MizanProvider, options: MizanClientOptions<AnyRouter>): MizanProvider {
  return function MizanContext(props) {
    const client = props.client ?? {}
    return createElement(Provider, { ...props, client: { ...client, websocket: { connect: webSocketTransport, ...(client.websocket ?? options.websocket) } } })
  }
}
