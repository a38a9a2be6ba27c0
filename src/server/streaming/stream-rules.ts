/**
 * What a streaming function may not be, refused when it is defined: what its transports
 * (server-sent events, socket frames) cannot carry.
 */
import { isAsyncGeneratorFunction } from './stream-source.ts'

interface StreamCheckedOptions {
  context?: string | false | undefined
  merge?: unknown
  route?: string | undefined
}

/** Whether the handler streams; throws a TypeError naming the conflict when its options cannot go with a stream. */
export function checkStreamOptions(options: StreamCheckedOptions, handler: unknown): boolean {
  if (!isAsyncGeneratorFunction(handler)) return false
  if (options.context) {
    throw new TypeError(`defineClient: a streaming handler (async function*) cannot be a member of context '${options.context}'; a context bundle is one JSON value`)
  }
  if (options.merge !== undefined) {
    throw new TypeError('defineClient: a streaming handler (async function*) cannot `merge`: it has no single result to merge; use `affects`')
  }
  if (options.route !== undefined) {
    throw new TypeError('defineClient: a streaming handler (async function*) cannot be a view `route`; return a Response with a stream body instead')
  }
  return true
}
