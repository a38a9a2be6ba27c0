import { Redis, type RedisOptions } from 'ioredis'
import type { RedisClient } from '../redis-client.ts'
import type { CacheBackend } from './backend.ts'

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
export class RedisCache<TClient extends RedisClient = Redis> implements CacheBackend {
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
    if (this.client.status === 'ready') this.connectedOnce = true
    else this.client.once('ready', () => (this.connectedOnce = true))
    this.namespace = options.namespace ?? 'mizan:'
    this.defaultTtl = options.defaultTtlSeconds ?? 86_400
  }

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

  async set(key: string, value: string, ttlSeconds = this.defaultTtl): Promise<void> {
    await this.ready()
    await this.client.set(this.namespace + key, value, 'EX', Math.max(1, Math.round(ttlSeconds)))
  }

  async delete(key: string): Promise<boolean> {
    await this.ready()
    return (await this.client.unlink(this.namespace + key)) > 0
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    await this.ready()
    const match = `${escapeGlob(this.namespace + prefix)}*`
    let cursor = '0'
    let count = 0
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', match, 'COUNT', 1000)
      cursor = next
      if (keys.length) count += await this.client.unlink(...keys)
    } while (cursor !== '0')
    return count
  }

  async clear(): Promise<void> {
    await this.deleteByPrefix('')
  }

  async quit(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect())
  }
}
