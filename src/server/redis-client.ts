/**
 * What Mizan asks of a Redis connection, by shape: clients of ioredis 5 and 6 both fit, and so
 * does a client made by the app's own copy of ioredis, which `instanceof` against ours would miss.
 */
export interface RedisClient {
  readonly status: string
  get(key: string): Promise<string | null>
  set(key: string, value: string, expiry: 'EX', seconds: number): Promise<unknown>
  unlink(...keys: string[]): Promise<number>
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', size: number): Promise<[cursor: string, keys: string[]]>
  publish(channel: string, message: string): Promise<number>
  subscribe(...channels: string[]): Promise<unknown>
  unsubscribe(...channels: string[]): Promise<unknown>
  duplicate(): RedisClient
  on(event: 'message', listener: (channel: string, message: string) => void): unknown
  on(event: 'error', listener: (error: unknown) => void): unknown
  on(event: 'ready' | 'close', listener: () => void): unknown
  once(event: 'ready' | 'end', listener: () => void): unknown
  off(event: 'ready' | 'end', listener: () => void): unknown
  quit(): Promise<unknown>
  disconnect(): void
}

/** A connected client rather than options (a URL string or an ioredis options object). */
export function isRedisClient(value: unknown): value is RedisClient {
  return typeof value === 'object' && value !== null && typeof (value as Partial<RedisClient>).duplicate === 'function' && typeof (value as Partial<RedisClient>).publish === 'function'
}
