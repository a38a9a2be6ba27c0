import { ERROR_STATUS, type ClientErrorCode, type ErrorCode } from './protocol.ts'

/**
 * The one error type of the framework. Server functions throw it to answer with a protocol
 * code; clients receive it for every failed call, whichever envelope the backend used.
 */
export class MizanError<TCode extends ClientErrorCode = ClientErrorCode> extends Error {
  override readonly name = 'MizanError'
  // Declared, not defined as class fields: assigned once below, in this order.
  declare readonly code: TCode
  declare readonly status: number
  declare readonly details: Record<string, unknown> | undefined

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

/**
 * A declared error (`defineErrors`) as a client receives it: a `MizanError` whose `code` is that
 * code and whose `details` are what its schema produces. A type only: at runtime it is a `MizanError`.
 */
export interface DeclaredError<TCode extends string, TDetails> extends Omit<MizanError, 'code' | 'details'> {
  readonly code: TCode
  readonly details: TDetails
}

export function statusForCode(code: string): number {
  return Object.hasOwn(ERROR_STATUS, code) ? ERROR_STATUS[code as ErrorCode] : Number(/^HTTP_(\d{3})$/.exec(code)?.[1] ?? 0)
}

export function isMizanError(value: unknown): value is MizanError {
  return value instanceof MizanError
}
