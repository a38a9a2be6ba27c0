export type BusListener = (payload: string) => void

/**
 * Whether deliveries between processes flow. `false` once a connection the bus needs is lost:
 * messages of other processes may be missed from then on. `true` again once the bus hears
 * every topic it listens to: whatever was missed meanwhile must be made up by a resync.
 */
export type BusHealthListener = (healthy: boolean) => void

/** A publish refused because the bus cannot reach the other processes now: never a silent success. */
export class BusUnavailableError extends Error {
  constructor(message = 'the channel bus is unavailable') {
    super(message)
    this.name = 'BusUnavailableError'
  }
}

/**
 * How server processes tell each other about channel messages and invalidations. The hub
 * delivers to its own process's sockets itself; the bus carries messages to the others.
 */
export interface ChannelBus {
  /** Rejects (e.g. `BusUnavailableError`) when the message cannot reach the other processes; may resolve with how many subscribers it reached. */
  publish(topic: string, payload: string): Promise<number | void>
  /** Resolves once messages on `topic` will reach `listener`. */
  subscribe(topic: string, listener: BusListener): Promise<void>
  unsubscribe(topic: string, listener: BusListener): Promise<void>
  close(): Promise<void>
  /** Optional: outages and recoveries, for a bus that can lose its connection (`RedisBus`). */
  onHealth?(listener: BusHealthListener): () => void
  /** Optional: subscribers of each topic across every process (Redis `PUBSUB NUMSUB`), so a replay can wait for them. */
  subscriberCounts?(topics: readonly string[]): Promise<number[]>
}

/** Topic → listeners, with the first and last listener of a topic reported to the caller. */
export class TopicTable {
  private readonly topics = new Map<string, Set<BusListener>>()

  /** `true` when this is the topic's first listener. */
  add(topic: string, listener: BusListener): boolean {
    let set = this.topics.get(topic)
    const first = !set
    if (!set) this.topics.set(topic, (set = new Set()))
    set.add(listener)
    return first
  }

  /** `true` when the topic has no listener left. */
  remove(topic: string, listener: BusListener): boolean {
    const set = this.topics.get(topic)
    if (!set?.delete(listener)) return false
    if (set.size) return false
    this.topics.delete(topic)
    return true
  }

  deliver(topic: string, payload: string, onError: (error: unknown) => void): void {
    const set = this.topics.get(topic)
    if (!set) return
    for (const listener of [...set]) {
      try {
        listener(payload)
      } catch (error) {
        onError(error)
      }
    }
  }

  has(topic: string): boolean {
    return this.topics.has(topic)
  }

  get names(): string[] {
    return [...this.topics.keys()]
  }

  get size(): number {
    return this.topics.size
  }

  clear(): void {
    this.topics.clear()
  }
}

const warn = (error: unknown) => console.error('[mizan] channel bus listener failed:', error)

/** The default: one process, no broker. Deliveries are asynchronous, as they would be over a network. */
export class MemoryBus implements ChannelBus {
  private readonly table = new TopicTable()

  async publish(topic: string, payload: string): Promise<void> {
    queueMicrotask(() => this.table.deliver(topic, payload, warn))
  }

  async subscribe(topic: string, listener: BusListener): Promise<void> {
    this.table.add(topic, listener)
  }

  async unsubscribe(topic: string, listener: BusListener): Promise<void> {
    this.table.remove(topic, listener)
  }

  async close(): Promise<void> {
    this.table.clear()
  }
}
