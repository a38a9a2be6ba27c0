import type { MizanError } from '../shared/errors.ts'
import type { RetryOptions } from './options.ts'
import { abortable } from './transport.ts'

/** Exponential, with "equal jitter" so that clients failing together do not retry together. */
export function backoffDelay(attempt: number, baseDelayMs: number): number {
  const half = baseDelayMs * 2 ** attempt / 2
  return half + Math.random() * half
}

/**
 * Context reads: `attempt` again, `retry.context` times (default 2), after a failure worth
 * another try: no answer at all or a server failure that may pass (5xx, but not 501: "not
 * implemented" will not change on the next attempt), with backoff; or a rate limit (RATE_LIMITED,
 * 429), after the wait its envelope names (`details.retryAfter` seconds, what `Retry-After` says
 * over HTTP) when that is at most 10 s. Calls never come here: a call may have side effects.
 */
export async function withRetry<T>(attempt: () => Promise<T>, retry: RetryOptions = {}, signal?: AbortSignal): Promise<T> {
  const { context: retries = 2, baseDelayMs = 200 } = retry
  for (let tries = 0; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      const { code, status, details } = error as MizanError
      // NaN (never ≤ 1e4, and falsy) unless the error names a wait, as RATE_LIMITED does.
      const wait = (details?.['retryAfter'] as number) * 1e3
      if (tries >= retries || !(wait <= 1e4 || code === 'NETWORK_ERROR' || (status > 499 && status !== 501))) throw error
      await abortable(() => new Promise((resolve) => setTimeout(resolve, wait || backoffDelay(tries, baseDelayMs))), signal)
    }
  }
}
