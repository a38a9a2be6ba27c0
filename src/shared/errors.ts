import { ERROR_STATUS, type ClientErrorCode, type ErrorCode } from './protocol.ts'

/**
 * The one error type of the framework. Server functions throw it to answer with a protocol
 * code; clients receive it for every failed call, whichever envelope the backend used.
 */
export class MizanError<TCode extends ClientErrorCode = ClientErrorCode> extends Error {
  override readonly name = 'MizanError'
  readonly code: TCode
  readonly status: number
  readonly details: Record<string, unknown> | undefined

  constructor(code: TCode, message: string, options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = options.status ?? statusForCode(code)
    this.details = options.details
  }

  /** Per-field messages of a VALIDATION_ERROR, keyed by dotted path; empty otherwise. */
  get fieldErrors(): Record<string, string[]> {
    const fields = this.details?.['fields']
    return typeof fields === 'object' && fields !== null ? (fields as Record<string, string[]>) : {}
  }
}

export function statusForCode(code: string): number {
  if (code in ERROR_STATUS) return ERROR_STATUS[code as ErrorCode]
  const match = /^HTTP_(\d{3})$/.exec(code)
  return match ? Number(match[1]) : 0
}

export function isMizanError(value: unknown): value is MizanError {
  return value instanceof MizanError
}
