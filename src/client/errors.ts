import { MizanError } from '../shared/errors.ts'
import { isErrorEnvelope, type ClientErrorCode } from '../shared/protocol.ts'

/** Every code a client can observe: the protocol's seven, `HTTP_<status>`, and the client-side ones. */
export type MizanErrorCode = ClientErrorCode

/**
 * Narrow an unknown failure to one code: `if (hasErrorCode(e, 'VALIDATION_ERROR')) e.fieldErrors`.
 * Comparing `err.code === '…'` works too once `err` is known to be a `MizanError`.
 */
export function hasErrorCode<C extends MizanErrorCode>(error: unknown, code: C): error is MizanError<C> {
  return error instanceof MizanError && error.code === code
}

function asDetails(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

/**
 * The error a failed response stands for. Django sends the flat envelope, FastAPI-style
 * backends nest it under `error`; anything else (an HTML CSRF page, a proxy's 502) keeps its
 * status as `HTTP_<status>` so callers can still branch on it.
 */
export function errorFromBody(status: number, statusText: string, text: string): MizanError {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (isErrorEnvelope(body)) {
    const source = body.error === true ? (body as unknown as Record<string, unknown>) : (body.error as Record<string, unknown>)
    const code = source['code']
    if (typeof code === 'string' && code) {
      const message = typeof source['message'] === 'string' ? source['message'] : ''
      const details = asDetails(source['details'])
      return new MizanError(code as MizanErrorCode, message, details ? { status, details } : { status })
    }
  }
  return new MizanError(`HTTP_${status}`, statusText || `HTTP ${status}`, { status })
}

export function networkError(cause: unknown): MizanError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new MizanError('NETWORK_ERROR', `Network request failed: ${reason}`, { status: 0, cause })
}

export function abortedError(reason: unknown): MizanError {
  return new MizanError('ABORTED', 'The request was aborted', { status: 0, cause: reason })
}

export function invalidResponse(status: number, message: string, cause?: unknown): MizanError {
  return new MizanError('INVALID_RESPONSE', message, { status, cause })
}
