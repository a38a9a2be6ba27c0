import { Redis, type RedisOptions } from 'ioredis'
import type { RedisClient } from '../redis-client.ts'
import type { CacheBackend } from './backend.ts'

/**
 * What the cache asks of a connection beyond the bus's: MGET and EVAL. ioredis's `Redis` (5 or
 * 6) and `Cluster` fit. On a Cluster, the keys of one call share a hash tag (keys.ts).
 */
export interface RedisCacheClient extends RedisClient {
  mget(...keys: string[]): Promise<(string | null)[]>
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>
}

/** A Cluster's masters, each scanned on its own: SCAN does not cross nodes. */
interface ClusterLike {
  nodes(role: 'master' | 'all'): RedisCacheClient[]
}

const isCluster = (client: unknown): client is ClusterLike => typeof (client as Partial<ClusterLike>).nodes === 'function'

/** KEYS get ARGV[2..] where they have no value; every key's value is answered. ARGV[1]: TTL. */
const SET_ABSENT = `local out = {}
for i, key in ipairs(KEYS) do
  local held = redis.call('GET', key)
  if not held then
    held = ARGV[i + 1]
    redis.call('SET', key, held, 'EX', ARGV[1])
  end
  out[i] = held
end
return out`

const SET_ALL = `for i, key in ipairs(KEYS) do redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1]) end
return #KEYS`

export interface RedisCacheOptions {
  /** Key namespace, as the reference uses (`izana:`); default `mizan:`. */
  namespace?: string
  defaultTtlSeconds?: number
  redisOptions?: RedisOptions
}

/** SCAN's MATCH is a glob: a context name with `*?[]\` must not widen the purge. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}

/**
 * Redis on ioredis. Commands fail fast while Redis is unreachable (no offline queue), so
 * callers can serve uncached instead of waiting; ioredis keeps reconnecting in the background.
 */
export class RedisCache<TClient extends RedisCacheClient = Redis> implements CacheBackend {
  /** The connection: the client given (ioredis 5 or 6, typed as given), or the one made from the URL. */
  readonly client: TClient
  private readonly namespace: string
  private readonly defaultTtl: number

  /** Connects to `url`: the client is then ioredis's `Redis`, made with fail-fast options. */
  constructor(url?: string, options?: RedisCacheOptions)
  /** Uses a connected client, ioredis 5 or 6, typed as it is. */
  constructor(client: TClient, options?: RedisCacheOptions)
  constructor(url: string | TClient = 'redis://127.0.0.1:6379', options: RedisCacheOptions = {}) {
    this.client =
      typeof url === 'string'
        ? (new Redis(url, {
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
            connectTimeout: 2000,
            retryStrategy: (times) => Math.min(times * 100, 2000),
            ...options.redisOptions,
            // The URL overload leaves TClient at its default, our Redis.
          }) as unknown as TClient)
        : url
    // An unhandled 'error' event would crash the process; outages are reported by the callers.
    this.client.on('error', () => {})
    // Redis may come back from an AOF or RDB snapshot older than our purges (context-cache.ts).
    const lost = () => this.connectionEpoch++
    this.client.on('close', lost)
    // A Cluster emits no 'close' for one node: each node's own connection is watched.
    if (isCluster(this.client)) {
      const watch = (node: RedisCacheClient) => node.on('close', lost)
      for (const node of this.client.nodes('all')) watch(node)
      const events = this.client as unknown as { on(event: '+node' | '-node', listener: (node: RedisCacheClient) => void): unknown }
      events.on('+node', watch)
      events.on('-node', lost)
    }
    if (this.client.status === 'ready') this.connectedOnce = true
    else this.client.once('ready', () => (this.connectedOnce = true))
    this.namespace = options.namespace ?? 'mizan:'
    this.defaultTtl = options.defaultTtlSeconds ?? 86_400
  }

  /** Connection losses so far (`CacheBackend.connectionEpoch`). */
  connectionEpoch = 0
  private firstConnection: Promise<void> | undefined
  /** Set once the client has been ready: from then on an outage must fail fast, never wait. */
  private connectedOnce = false

  /**
   * Only the first connection is awaited (bounded), so a cache used right after boot works;
   * later outages fail fast instead of queueing requests behind a dead socket.
   */
  private ready(): Promise<void> {
    if (this.client.status === 'ready' || this.connectedOnce) return Promise.resolve()
    this.firstConnection ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(done, 2000)
      this.client.once('ready', done)
    })
    return this.firstConnection
  }

  async get(key: string): Promise<string | null> {
    await this.ready()
    return this.client.get(this.namespace + key)
  }

  /** The read path of every cached bundle: no wait for a first connection once there has been one. */
  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    if (!this.connectedOnce) await this.ready()
    return this.client.mget(...keys.map((key) => this.namespace + key))
  }

  async setAbsent(keys: readonly string[], values: readonly string[], ttlSeconds: number): Promise<string[]> {
    await this.ready()
    const held = await this.client.eval(SET_ABSENT, keys.length, ...keys.map((key) => this.namespace + key), Math.max(1, Math.round(ttlSeconds)), ...values)
    return held as string[]
  }

  async setAll(keys: readonly string[], values: readonly string[], ttlSeconds: number): Promise<void> {
    await this.ready()
    await this.client.eval(SET_ALL, keys.length, ...keys.map((key) => this.namespace + key), Math.max(1, Math.round(ttlSeconds)), ...values)
  }

  async set(key: string, value: string, ttlSeconds = this.defaultTtl): Promise<void> {
    await this.ready()
    await this.client.set(this.namespace + key, value, 'EX', Math.max(1, Math.round(ttlSeconds)))
  }

  async delete(key: string): Promise<boolean> {
    await this.ready()
    return (await this.client.unlink(this.namespace + key)) > 0
  }

  /** SCAN: the Python key mode's broad purge and `clear` only, never the default mode's request path. */
  async deleteByPrefix(prefix: string): Promise<number> {
    await this.ready()
    const match = `${escapeGlob(this.namespace + prefix)}*`
    const nodes: RedisCacheClient[] = isCluster(this.client) ? this.client.nodes('master') : [this.client]
    let count = 0
    for (const node of nodes) {
      let cursor = '0'
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000)
        cursor = next
        // One key per UNLINK on a Cluster: keys of different slots may not share a command.
        if (keys.length) count += isCluster(this.client) ? (await Promise.all(keys.map((key) => node.unlink(key)))).reduce((a, b) => a + b, 0) : await node.unlink(...keys)
      } while (cursor !== '0')
    }
    return count
  }

  async clear(): Promise<void> {
    await this.deleteByPrefix('')
  }

  async quit(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect())
  }
}
