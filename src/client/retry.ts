import type { MizanError } from '../shared/errors.ts'
import type { RetryOptions } from './options.ts'
import { abortable } from './transport.ts'

/** Exponential, with "equal jitter" so that clients failing together do not retry together. */
export function backoffDelay(attempt: number, baseDelayMs: number): number {
  const half = baseDelayMs * 2 ** attempt / 2
  return half + Math.random() * half
}

/**
 * Context reads: `attempt` again, `retry.context` times (default 2) with backoff, after a failure
 * worth another try: no answer at all, or a server failure that may pass (5xx, but not 501:
 * "not implemented" will not change on the next attempt).
 */
export async function withRetry<T>(attempt: () => Promise<T>, retry: RetryOptions = {}, signal?: AbortSignal): Promise<T> {
  const { context: retries = 2, baseDelayMs = 200 } = retry
  for (let tries = 0; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      const { code, status } = error as MizanError
      if (tries >= retries || (code !== 'NETWORK_ERROR' && !(status >= 500 && status !== 501))) throw error
      await abortable(() => new Promise((resolve) => setTimeout(resolve, backoffDelay(tries, baseDelayMs))), signal)
    }
  }
}
