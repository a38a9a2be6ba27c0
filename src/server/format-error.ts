/**
 * `formatError`: the server's last word on what a client sees of a failure. It gets the error
 * about to be sent (an internal one carries the original exception as `cause`) and returns the
 * one to send: hide more, or, in development, show more. Same option, same signature, on the
 * HTTP dispatcher, the WebSocket adapter and the caller.
 */
import { MizanError } from '../shared/errors.ts'
import type { ErrorReporter } from './execute.ts'

export interface FormatErrorInfo {
  transport: 'http' | 'ws' | 'caller'
}

export type ErrorFormatter = (error: MizanError, info: FormatErrorInfo) => MizanError

/** The formatter, or the identity; a formatter that throws or returns something else is reported and the error goes out as it was. */
export function safeFormatter(format: ErrorFormatter | undefined, report: ErrorReporter, transport: FormatErrorInfo['transport']): (error: MizanError) => MizanError {
  if (!format) return (error) => error
  const info: FormatErrorInfo = { transport }
  return (error) => {
    try {
      const out = format(error, info)
      if (out instanceof MizanError) return out
      report(new TypeError('formatError must return a MizanError'), { fn: 'formatError' })
    } catch (failure) {
      report(failure, { fn: 'formatError' })
    }
    return error
  }
}
