/**
 * Where cached context bundles and their generation tokens live. Every multi-key call is one
 * round trip; the keys of one call share a hash tag (`{ctx:<name>}`), so on Redis Cluster they
 * sit in one slot. Values are served byte for byte.
 */
export interface CacheBackend {
  get(key: string): Promise<string | null>
  /** The values of `keys`, in order, in one round trip. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>
  /** `ttlSeconds` undefined means the backend's default. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
  /**
   * Atomically, each key without a value takes the one given (with `ttlSeconds`); answers the
   * value each key holds afterwards. Used to start a generation nobody has bumped yet.
   */
  setAbsent(keys: readonly string[], values: readonly string[], ttlSeconds: number): Promise<string[]>
  /** Atomically overwrites each key (with `ttlSeconds`): a generation bump, one round trip. */
  setAll(keys: readonly string[], values: readonly string[], ttlSeconds: number): Promise<void>
  delete(key: string): Promise<boolean>
  /** A scan of the keyspace: only the Python-compatible key mode's broad purge uses it. */
  deleteByPrefix(prefix: string): Promise<number>
  clear(): Promise<void>
  /**
   * Optional: a count of the connection losses so far. A store that comes back may come back
   * from its own persistence (AOF, an RDB snapshot) with generations older than purges made
   * since; when the count moves, each context's generation is replaced before it is read again.
   */
  readonly connectionEpoch?: number
}

export { MemoryCache, type MemoryCacheOptions } from './memory-cache.ts'
