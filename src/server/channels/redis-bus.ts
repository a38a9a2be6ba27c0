import { Redis, type RedisOptions } from 'ioredis'
import { isRedisClient, type RedisClient } from '../redis-client.ts'
import { BusUnavailableError, TopicTable, type BusHealthListener, type BusListener, type ChannelBus } from './bus.ts'

export interface RedisBusOptions {
  /**
   * A URL (`redis://127.0.0.1:6379`), ioredis options, or a client (ioredis 5 or 6) to publish with. Default: localhost.
   * Connections the bus makes retry at most every 500 ms unless the options say otherwise; a given client keeps its own `retryStrategy`.
   */
  redis?: string | RedisOptions | RedisClient
  onError?: (error: unknown) => void
}

/**
 * Redis pub/sub: a message published in one process reaches the subscribers of every process
 * connected to the same Redis. Two connections (a subscribed connection cannot publish); each
 * topic is SUBSCRIBEd while some local socket needs it.
 *
 * Redis keeps no message for a subscriber that is not connected, so an outage loses messages
 * whatever ioredis queues: a publish queued offline may reach Redis before the other processes
 * have subscribed again. The bus therefore reports its health (`onHealth`): down when either
 * connection is lost, up again only once every topic is SUBSCRIBEd anew; a publish while down
 * fails at once instead of waiting in the offline queue. The hub makes up for the gap with a resync.
 */
export class RedisBus implements ChannelBus {
  private readonly publisher: RedisClient
  private readonly subscriber: RedisClient
  private readonly ownsPublisher: boolean
  private readonly table = new TopicTable()
  private readonly pending = new Map<string, Promise<unknown>>()
  private readonly onError: (error: unknown) => void
  private readonly healthListeners = new Set<BusHealthListener>()
  /** Each connection was ready once: before that, commands wait in ioredis's queue as at any start. */
  private publisherSeen = false
  private subscriberSeen = false
  private publisherUp = false
  private subscriberUp = false
  private healthy = true
  private closed = false

  constructor(options: RedisBusOptions = {}) {
    const given = options.redis
    this.onError = options.onError ?? ((error) => console.error('[mizan] redis bus:', error))
    if (isRedisClient(given)) {
      this.publisher = given
      this.ownsPublisher = false
    } else {
      // Retries every 500 ms at most (ioredis's default backs off to 2 s): the bus is back, and its watchers resynced, soon after Redis is.
      const retry = { retryStrategy: (times: number) => Math.min(times * 50, 500) }
      this.publisher = typeof given === 'string' ? new Redis(given, retry) : new Redis({ ...retry, ...given })
      this.ownsPublisher = true
      this.publisher.on('error', (error) => this.connectionError(error))
    }
    this.subscriber = this.publisher.duplicate()
    this.subscriber.on('error', (error) => this.connectionError(error))
    this.subscriber.on('message', (topic: string, payload: string) => this.table.deliver(topic, payload, this.onError))
    this.publisherUp = this.publisher.status === 'ready'
    this.publisherSeen = this.publisherUp
    this.publisher.on('ready', () => {
      this.publisherSeen = this.publisherUp = true
      this.updateHealth()
    })
    this.publisher.on('close', () => {
      this.publisherUp = false
      this.updateHealth()
    })
    this.subscriber.on('ready', () => void this.subscriberReady())
    this.subscriber.on('close', () => {
      this.subscriberUp = false
      this.updateHealth()
    })
  }

  /** While the bus is down, every reconnect attempt fails the same way: the outage is reported once (by the hub), not each attempt. */
  private connectionError(error: unknown): void {
    if (this.healthy && !this.closed) this.onError(error)
  }

  /** Up only once Redis has confirmed every topic again: until then, messages to this process are still lost. */
  private async subscriberReady(): Promise<void> {
    const topics = this.table.names
    try {
      if (this.subscriberSeen && topics.length) await this.subscriber.subscribe(...topics)
    } catch (error) {
      if (!this.closed) this.onError(error)
      return
    }
    this.subscriberSeen = true
    this.subscriberUp = this.subscriber.status === 'ready'
    this.updateHealth()
  }

  private updateHealth(): void {
    if (this.closed) return
    const down = (this.publisherSeen && !this.publisherUp) || (this.subscriberSeen && !this.subscriberUp)
    const up = this.publisherUp && this.subscriberUp
    const next = this.healthy ? !down : up
    if (next === this.healthy) return
    this.healthy = next
    for (const listener of [...this.healthListeners]) listener(next)
  }

  onHealth(listener: BusHealthListener): () => void {
    this.healthListeners.add(listener)
    return () => this.healthListeners.delete(listener)
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

  async publish(topic: string, payload: string): Promise<number> {
    // Queued offline, it would be sent on reconnect, maybe before the others subscribe again: lost, yet "sent".
    if (this.publisherSeen && this.publisher.status !== 'ready') throw new BusUnavailableError('redis bus: the publisher connection is down')
    return this.publisher.publish(topic, payload)
  }

  async subscriberCounts(topics: readonly string[]): Promise<number[]> {
    // `call` is ioredis's generic command (5 and 6); a client without it cannot say, and the replay does not wait.
    const call = (this.publisher as unknown as { call?: (command: string, ...args: string[]) => Promise<unknown> }).call
    if (typeof call !== 'function' || !topics.length) return topics.map(() => Number.POSITIVE_INFINITY)
    // Not into the offline queue: a count answered after the next outage would be stale.
    if (this.publisher.status !== 'ready') throw new BusUnavailableError('redis bus: the publisher connection is down')
    const reply = (await call.call(this.publisher, 'PUBSUB', 'NUMSUB', ...topics)) as unknown[]
    return topics.map((_, i) => Number(reply[2 * i + 1] ?? 0))
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
    this.closed = true
    this.table.clear()
    this.healthListeners.clear()
    this.subscriber.disconnect()
    if (this.ownsPublisher) await this.publisher.quit().catch(() => this.publisher.disconnect())
  }
}
