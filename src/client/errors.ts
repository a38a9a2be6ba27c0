import { MizanError } from '../shared/errors.ts'
import { ERROR_STATUS, type ClientErrorCode, type ErrorCode } from '../shared/protocol.ts'
import { isRecord } from './params.ts'

/** Every code a client can observe: the protocol's seven, `HTTP_<status>`, and the client-side ones. */
export type MizanErrorCode = ClientErrorCode

/**
 * Narrow an unknown failure to one code: `if (hasErrorCode(e, 'VALIDATION_ERROR')) e.fieldErrors`.
 * Comparing `err.code === '…'` works too once `err` is known to be a `MizanError`.
 */
export function hasErrorCode<C extends MizanErrorCode>(error: unknown, code: C): error is MizanError<C> {
  return error instanceof MizanError && error.code === code
}

/** A client-side failure: `status` 0 unless a response said otherwise. */
export function clientError(code: MizanErrorCode, message: string, status = 0, cause?: unknown): MizanError {
  return new MizanError(code, message, { status, cause })
}

/**
 * A body that is no envelope (Django's HTML CSRF or 404 page) is read by its status: the
 * protocol's code for it (PROTOCOL.md §4, the table MizanError already carries), else `HTTP_<status>`.
 */
export function codeForStatus(status: number): MizanErrorCode {
  return (Object.keys(ERROR_STATUS) as ErrorCode[]).find((code) => ERROR_STATUS[code] === status) ?? `HTTP_${status}`
}

/**
 * The error a failed response stands for. Django sends the flat envelope, FastAPI-style
 * backends nest it under `error`; anything else (Django's HTML CSRF page, a proxy's 502) is
 * mapped by its status: 403 → FORBIDDEN, 404 → NOT_FOUND, … and `HTTP_<status>` for a status
 * the protocol does not answer with, so callers can still branch on it.
 */
export function errorFromBody(status: number, statusText: string, text: string): MizanError {
  let body: { error?: unknown } | undefined
  try {
    body = JSON.parse(text) as typeof body
  } catch {}
  const source = (body?.error === true ? body : body?.error) as Record<string, unknown> | undefined
  const { code, message, details } = isRecord(source) ? source : {}
  if (typeof code === 'string' && code) {
    return new MizanError(code as MizanErrorCode, typeof message === 'string' ? message : '', { status, details: isRecord(details) ? details : undefined })
  }
  return new MizanError(codeForStatus(status), statusText || `HTTP ${status}`, { status })
}

/** `NETWORK_ERROR`: the request got no answer (or, on the socket, lost it). */
export const socketError = (message: string, cause?: unknown): MizanError => clientError('NETWORK_ERROR', message, 0, cause)

export function networkError(cause: unknown): MizanError {
  return clientError('NETWORK_ERROR', `Network request failed: ${String((cause as Error | undefined)?.message ?? cause)}`, 0, cause)
}

export function abortedError(reason: unknown): MizanError {
  return clientError('ABORTED', 'The request was aborted', 0, reason)
}

export function invalidResponse(status: number, message: string, cause?: unknown): MizanError {
  return clientError('INVALID_RESPONSE', message, status, cause)
}
