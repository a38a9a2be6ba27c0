/**
 * Channel messages this process could not hand to the bus, kept and published again once it is
 * back. Redis keeps nothing for a subscriber that is not connected, and a channel message is
 * not state a resync could refetch: without this, other processes' sockets lose it.
 *
 * Each message is numbered (`<hub id>:<n>` before the frame on the bus). While anything waits,
 * newer messages wait behind it, so each publisher's messages stay in order. On recovery the
 * replay first waits (a bounded time) until every topic it holds has as many subscribers as its
 * last publish reached: another process that re-subscribes later than this one would miss it
 * again. A message that was on the wire when the bus went down is replayed too, and receivers
 * drop any number they have already seen from that publisher.
 */
import type { ChannelBus } from './bus.ts'

export interface ChannelReplayOptions {
  /** Messages kept while the bus is down (default 1,000): beyond it the oldest are dropped, and counted. */
  maxMessages?: number
  /** Bytes of payload kept (default 1 MiB), the same way. */
  maxBytes?: number
  /** How long a recovery waits for the other processes to subscribe again (default 5,000 ms) before publishing anyway. */
  waitForSubscribersMs?: number
}

interface Item {
  seq: number
  topic: string
  payload: string
}

/** What a recovery did, for the hub's log line. */
export interface ReplayOutcome {
  replayed: number
  dropped: number
  /** Some topic had fewer subscribers than before the outage when the wait ended. */
  gaveUpWaiting: boolean
}

const RETRY_MS = 1000
const KNOWN_TOPICS = 10_000
const KNOWN_ORIGINS = 1024

export class ChannelReplay {
  private seq = 0
  private queue: Item[] = []
  private bytes = 0
  private dropped = 0
  private replayed = 0
  private readonly inFlight = new Map<number, Item>()
  /** topic → subscribers its last successful publish reached. */
  private readonly reach = new Map<string, number>()
  /** publisher → the last number delivered here from it. */
  private readonly seen = new Map<string, number>()
  private down = false
  private flushing = false
  private retry: ReturnType<typeof setTimeout> | undefined
  private readonly maxMessages: number
  private readonly maxBytes: number
  private readonly waitMs: number

  constructor(
    private readonly bus: ChannelBus,
    private readonly origin: string,
    private readonly onFailure: (error: unknown) => void,
    options: ChannelReplayOptions = {},
  ) {
    this.maxMessages = options.maxMessages ?? 1000
    this.maxBytes = options.maxBytes ?? 1 << 20
    this.waitMs = options.waitForSubscribersMs ?? 5000
  }


  async send(topic: string, frame: string): Promise<void> {
    const seq = ++this.seq
    const item: Item = { seq, topic, payload: `${this.origin}:${seq}\n${frame}` }
    if (this.down || this.flushing || this.queue.length) return this.keep(item)
    this.inFlight.set(seq, item)
    try {
      this.reached(topic, await this.bus.publish(topic, item.payload))
    } catch (error) {
      // Moved to the queue by the outage already: that outage is reported, this is no news.
      if (!this.inFlight.has(seq)) return
      this.keep(item)
      this.onFailure(error)
      // A failure the bus does not report as an outage is retried on a timer, not kept forever.
      if (!this.down) this.scheduleRetry()
    } finally {
      this.inFlight.delete(seq)
    }
  }

  /** A bus frame's header (`<hub id>:<n>`) from another process: `false` if that message was delivered here already. */
  accept(header: string): boolean {
    const cut = header.lastIndexOf(':')
    const seq = Number(header.slice(cut + 1))
    if (cut < 0 || !Number.isSafeInteger(seq)) return true
    const origin = header.slice(0, cut)
    const last = this.seen.get(origin)
    if (last !== undefined && seq <= last) return false
    this.seen.delete(origin)
    this.seen.set(origin, seq)
    if (this.seen.size > KNOWN_ORIGINS) this.seen.delete(this.seen.keys().next().value!)
    return true
  }

  /** The bus is down: what was on the wire may be lost too, so it waits with the rest (receivers drop doubles). */
  lost(): void {
    this.down = true
    if (!this.inFlight.size) return
    const moving = [...this.inFlight.values()]
    this.inFlight.clear()
    this.queue = [...moving, ...this.queue].sort((x, y) => x.seq - y.seq)
    this.bytes = this.queue.reduce((sum, item) => sum + item.payload.length, 0)
    this.trim()
  }

  /** The bus is back: publish what waited, in order, once the other processes listen again. */
  async recovered(): Promise<ReplayOutcome> {
    this.down = false
    const gaveUpWaiting = await this.flush()
    const outcome = { replayed: this.replayed, dropped: this.dropped, gaveUpWaiting }
    this.replayed = this.dropped = 0
    return outcome
  }

  get waiting(): number {
    return this.queue.length
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry)
    this.down = true
  }

  private keep(item: Item): void {
    this.queue.push(item)
    this.bytes += item.payload.length
    this.trim()
  }

  private trim(): void {
    while (this.queue.length > this.maxMessages || (this.bytes > this.maxBytes && this.queue.length > 1)) {
      this.bytes -= this.queue.shift()!.payload.length
      this.dropped++
    }
  }

  private reached(topic: string, heard: unknown): void {
    if (typeof heard !== 'number') return
    this.reach.delete(topic)
    this.reach.set(topic, heard)
    if (this.reach.size > KNOWN_TOPICS) this.reach.delete(this.reach.keys().next().value!)
  }

  private scheduleRetry(): void {
    if (this.retry) return
    this.retry = setTimeout(() => {
      this.retry = undefined
      if (!this.down) void this.flush()
    }, RETRY_MS)
    this.retry.unref?.()
  }

  /** `true` when it stopped waiting for subscribers before all were back. */
  private async flush(): Promise<boolean> {
    if (this.flushing || !this.queue.length) return false
    this.flushing = true
    let gaveUp = false
    try {
      gaveUp = !(await this.subscribersBack())
      while (this.queue.length && !this.down) {
        const item = this.queue[0]!
        try {
          this.reached(item.topic, await this.bus.publish(item.topic, item.payload))
        } catch (error) {
          this.onFailure(error)
          if (!this.down) this.scheduleRetry()
          break
        }
        // Moved back to the queue meanwhile by an outage? It is still first; otherwise it is done.
        if (this.queue[0] === item) {
          this.queue.shift()
          this.bytes -= item.payload.length
          this.replayed++
        }
      }
    } finally {
      // No await between the loop's last check and here: a send that sees `flushing` finds the loop still to run.
      this.flushing = false
    }
    return gaveUp
  }

  /** Until each waiting topic has the subscribers its last publish reached (or the wait ends): `false` if it ended. */
  private async subscribersBack(): Promise<boolean> {
    const count = this.bus.subscriberCounts?.bind(this.bus)
    if (!count) return true
    const deadline = Date.now() + this.waitMs
    for (;;) {
      const wanted = new Map<string, number>()
      for (const { topic } of this.queue) if ((this.reach.get(topic) ?? 0) > 0) wanted.set(topic, this.reach.get(topic)!)
      if (!wanted.size) return true
      const topics = [...wanted.keys()]
      let counts: number[]
      try {
        counts = await count(topics)
      } catch {
        counts = []
      }
      if (topics.every((topic, i) => (counts[i] ?? 0) >= wanted.get(topic)!)) return true
      if (Date.now() >= deadline || this.down) return false
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}
