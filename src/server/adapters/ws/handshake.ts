/** The HTTP upgrade before a socket exists: origin policy, the handshake as a request, and refusals as JSON. */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { MizanError } from '../../../shared/errors.ts'
import { CLIENT_ID_HEADER, isClientId, WS_TOKEN_PROTOCOL_PREFIX } from '../../../shared/protocol.ts'
import type { MizanRequest } from '../../dispatch-types.ts'
import { envelopeOf } from '../../http-parts.ts'

export type AllowedOrigins = readonly string[] | ((origin: string, req: IncomingMessage) => boolean)

/** With no explicit policy, a request carrying cookies may come only from the page's own host: a cookie session must not ride a cross-site socket. */
export function originAllowed(req: IncomingMessage, allowed: AllowedOrigins | undefined): boolean {
  const origin = req.headers.origin
  if (!origin) return true
  if (typeof allowed === 'function') return allowed(origin, req)
  if (allowed) return allowed.includes(origin)
  if (!req.headers.cookie) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  return headers
}

/** The token a client offered as the subprotocol `mizan.token.<token>`, if any. */
function protocolToken(req: IncomingMessage): string | undefined {
  const offered = req.headers['sec-websocket-protocol']
  if (typeof offered !== 'string') return undefined
  for (const protocol of offered.split(',')) {
    const trimmed = protocol.trim()
    if (trimmed.startsWith(WS_TOKEN_PROTOCOL_PREFIX) && trimmed.length > WS_TOKEN_PROTOCOL_PREFIX.length) return trimmed.slice(WS_TOKEN_PROTOCOL_PREFIX.length)
  }
  return undefined
}

/**
 * The handshake as a MizanRequest, so `resolveUser` (cookie session, MWT header, a token as
 * Bearer) reads it as HTTP. The token comes as the subprotocol `mizan.token.<token>`; `?token=`
 * is read only with `queryToken` (URLs end up in access logs), for clients that send only that.
 */
export function handshakeRequest(req: IncomingMessage, url: URL, signal: AbortSignal, queryToken = false): MizanRequest {
  const headers = toHeaders(req)
  const token = protocolToken(req) ?? (queryToken ? url.searchParams.get('token') : null)
  if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`)
  // Browsers cannot set handshake headers: the client id comes as `?client=`, and is read like the call header.
  const client = url.searchParams.get('client')
  if (isClientId(client) && !headers.has(CLIENT_ID_HEADER)) headers.set(CLIENT_ID_HEADER, client)
  return { method: 'GET', url, headers, readBody: async () => '', raw: req, signal }
}

/** Answer the upgrade with an HTTP error and the usual envelope, then hang up. */
export function rejectUpgrade(socket: Duplex, status: number, error: MizanError): void {
  const body = JSON.stringify(envelopeOf(error))
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status] ?? 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  )
}
