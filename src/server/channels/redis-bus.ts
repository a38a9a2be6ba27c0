import { Redis, type RedisOptions } from 'ioredis'
import { isRedisClient, type RedisClient } from '../redis-client.ts'
import { TopicTable, type BusListener, type ChannelBus } from './bus.ts'

export interface RedisBusOptions {
  /** A URL (`redis://127.0.0.1:6379`), ioredis options, or a client (ioredis 5 or 6) to publish with. Default: localhost. */
  redis?: string | RedisOptions | RedisClient
  onError?: (error: unknown) => void
}

/**
 * Redis pub/sub: a message published in one process reaches the subscribers of every process
 * connected to the same Redis. Two connections (a subscribed connection cannot publish); each
 * topic is SUBSCRIBEd while some local socket needs it, and ioredis re-subscribes after a reconnect.
 */
export class RedisBus implements ChannelBus {
  private readonly publisher: RedisClient
  private readonly subscriber: RedisClient
  private readonly ownsPublisher: boolean
  private readonly table = new TopicTable()
  private readonly pending = new Map<string, Promise<unknown>>()
  private readonly onError: (error: unknown) => void

  constructor(options: RedisBusOptions = {}) {
    const given = options.redis
    this.onError = options.onError ?? ((error) => console.error('[mizan] redis bus:', error))
    if (isRedisClient(given)) {
      this.publisher = given
      this.ownsPublisher = false
    } else {
      this.publisher = typeof given === 'string' ? new Redis(given) : new Redis(given ?? {})
      this.ownsPublisher = true
      this.publisher.on('error', this.onError)
    }
    this.subscriber = this.publisher.duplicate()
    this.subscriber.on('error', this.onError)
    this.subscriber.on('message', (topic: string, payload: string) => this.table.deliver(topic, payload, this.onError))
  }

  /**
   * The first SUBSCRIBE waits for the connection's ready check: issued earlier, it puts the
   * connection in subscriber mode before ioredis's own INFO, which Redis then refuses.
   */
  private whenReady(): Promise<void> {
    if (this.subscriber.status === 'ready') return Promise.resolve()
    return new Promise((resolve, reject) => {
      const onReady = () => {
        this.subscriber.off('end', onEnd)
        resolve()
      }
      const onEnd = () => {
        this.subscriber.off('ready', onReady)
        reject(new Error('redis bus: the subscriber connection ended'))
      }
      this.subscriber.once('ready', onReady)
      this.subscriber.once('end', onEnd)
    })
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.publisher.publish(topic, payload)
  }

  async subscribe(topic: string, listener: BusListener): Promise<void> {
    // A second listener of a topic still being SUBSCRIBEd waits for the same confirmation.
    if (this.table.add(topic, listener)) {
      const confirmed = this.whenReady()
        .then(() => this.subscriber.subscribe(topic))
        .finally(() => this.pending.delete(topic))
      this.pending.set(topic, confirmed)
    }
    await this.pending.get(topic)
  }

  async unsubscribe(topic: string, listener: BusListener): Promise<void> {
    if (this.table.remove(topic, listener)) await this.subscriber.unsubscribe(topic)
  }

  async close(): Promise<void> {
    this.table.clear()
    this.subscriber.disconnect()
    if (this.ownsPublisher) await this.publisher.quit().catch(() => this.publisher.disconnect())
  }
}
