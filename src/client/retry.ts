import type { MizanError } from '../shared/errors.ts'
import { abortedError } from './errors.ts'

export interface RetryPolicy {
  retries: number
  baseDelayMs: number
}

/**
 * Worth another try: the request never got an answer, or the server failed in a way that may
 * pass. 501 is excluded because "not implemented" will not change on the next attempt.
 */
export function isTransient(error: MizanError): boolean {
  if (error.code === 'NETWORK_ERROR') return true
  return error.status >= 500 && error.status !== 501
}

/** Exponential, with "equal jitter" so that clients failing together do not retry together. */
export function backoffDelay(attempt: number, baseDelayMs: number): number {
  const ceiling = baseDelayMs * 2 ** attempt
  return ceiling / 2 + Math.random() * (ceiling / 2)
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal.reason))
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortedError(signal?.reason))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy, signal: AbortSignal | undefined): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      const failure = error as MizanError
      if (tries >= policy.retries || !isTransient(failure)) throw failure
      await sleep(backoffDelay(tries, policy.baseDelayMs), signal)
    }
  }
}
