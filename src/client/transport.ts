/** Request helpers the kernel and the socket transport share. */
import { abortedError } from './errors.ts'
import type { HeadersOption } from './options.ts'

/** Later sources win, header by header. */
export async function mergeHeaders(option: HeadersOption | undefined, ...sources: (HeadersInit | undefined)[]): Promise<Headers> {
  const out = new Headers()
  for (const source of [typeof option === 'function' ? await option() : option, ...sources]) {
    new Headers(source).forEach((value, name) => out.set(name, value))
  }
  return out
}

/** Append to the `Cookie` header, keeping what is there. */
export function addCookie(headers: Headers, cookie: string | undefined): void {
  const own = headers.get('cookie')
  if (cookie) headers.set('cookie', own ? `${own}; ${cookie}` : cookie)
}

/**
 * Settle as soon as the signal fires, even if the work in hand ignores signals (an in-process
 * handler, a polyfill, a timer): callers asked to stop waiting, so they stop waiting.
 */
export function abortable<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return signal
    ? new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(abortedError(signal.reason))
        if (signal.aborted) return onAbort()
        signal.addEventListener('abort', onAbort, { once: true })
        work()
          .then(resolve, reject)
          .finally(() => signal.removeEventListener('abort', onAbort))
      })
    : work()
}
