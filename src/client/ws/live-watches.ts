/**
 * Opt-in live invalidation: contexts watched on the server (counted per context + params) and
 * the listeners of its pushes.
 *
 * Nothing may be missed across sockets. Watches are sent with `resume: true`, and the server
 * answers each frame with its position; on a new socket, every watch the old one had confirmed
 * is sent again with that position (`since`), and the server invalidates the bundles that
 * changed meanwhile (all of them, if it cannot tell). A watch the old socket sent but never saw
 * confirmed, or a server that sends no positions, gets its bundle invalidated here once the new
 * socket confirms it: a refetch too many rather than a change missed.
 *
 * Nor between a read and the first watch (at page load the HTTP read answers before the socket
 * is open): a watch that was never confirmed says how old the bundle it covers may be (`age`,
 * ms since `since`), and the server invalidates it if anything concerning it happened in that
 * window, or if it cannot tell. A server that ignores `age` (Python) leaves that gap open.
 */
import type { InvalidateEntry } from '../../shared/protocol.ts'
import { keyOf, withoutUndefined, type Frame } from './frames.ts'
import type { Wire } from './wire.ts'

interface Watch {
  context: string
  params: Record<string, unknown>
  count: number
  /** Sent on some socket: from then on, the bundle the page holds may predate what the next socket hears. */
  sent: boolean
  /** Confirmed on the current socket. */
  acked: boolean
  /** Invalidate the bundle once the current socket confirms the watch. */
  resyncOnAck: boolean
  /** Client clock (ms): the bundle the page holds was asked for at or after this (unknown: no `age` is sent). */
  since: number | undefined
}

export interface WatchOptions {
  /** When (`Date.now()`) the page asked for the bundle it holds: a change after it, before the watch is registered, is announced too. */
  since?: number | undefined
}

const entryOf = ({ context, params }: Watch): InvalidateEntry => (Object.keys(params).length ? { context, params } : context)

export class LiveWatches {
  private readonly watches = new Map<string, Watch>()
  private readonly listeners = new Set<(entries: InvalidateEntry[]) => void>()
  /** The server's position after the last frame it sent about watches, on the socket that sent it. */
  private position: string | undefined

  constructor(private readonly wire: Wire) {}

  get size(): number {
    return this.watches.size
  }

  /** On (re)open: the server forgot the watches with the old socket. */
  rewatch(): void {
    const since = this.position
    this.position = undefined
    for (const watch of this.watches.values()) {
      const resume = watch.acked && since !== undefined
      watch.resyncOnAck = watch.sent && !resume
      watch.acked = false
      watch.sent = this.send(watch, resume ? since : undefined) || watch.sent
    }
  }

  /** A first watch carries the bundle's age; later ones resume from a position or are invalidated on their ack. */
  private send(watch: Watch, since: string | undefined): boolean {
    const frame = { action: 'watch', context: watch.context, params: watch.params, resume: true }
    if (since !== undefined) return this.wire.send({ ...frame, since })
    return this.wire.send(watch.resyncOnAck || watch.since === undefined ? frame : { ...frame, age: Math.max(0, Date.now() - watch.since) })
  }

  watch(context: string, params: Record<string, unknown> = {}, options: WatchOptions = {}): () => void {
    const clean = withoutUndefined(params)
    const key = keyOf(context, clean)
    const existing = this.watches.get(key)
    const since = options.since === undefined ? undefined : Math.min(options.since, Date.now())
    if (existing) {
      existing.count++
      // Not confirmed yet: the frame on its way may carry too young an age (or none); the ack says it again.
      if (!existing.acked && since !== undefined && !(since >= (existing.since ?? Infinity))) {
        existing.since = since
        existing.resyncOnAck ||= existing.sent
      }
    } else {
      const watch: Watch = { context, params: clean, count: 1, sent: false, acked: false, resyncOnAck: false, since }
      this.watches.set(key, watch)
      watch.sent = this.send(watch, undefined)
      if (!watch.sent) this.wire.ensureOpen()
    }
    let done = false
    return () => {
      if (done) return
      done = true
      const watch = this.watches.get(key)
      if (!watch || --watch.count > 0) return
      this.watches.delete(key)
      this.wire.send({ action: 'unwatch', context, params: clean })
    }
  }

  /** `{"watching": true, context, params}`: the server registered it. */
  acknowledged(frame: Frame): void {
    const watch = typeof frame['context'] === 'string' ? this.watches.get(keyOf(frame['context'], frame['params'] ?? {})) : undefined
    if (!watch) return
    watch.acked = true
    if (!watch.resyncOnAck) return
    watch.resyncOnAck = false
    this.deliver([entryOf(watch)])
  }

  /** `{"type": "position", position}`: everything up to here reached this socket. */
  positioned(frame: Frame): void {
    if (typeof frame['position'] === 'string') this.position = frame['position']
  }

  onInvalidate(listener: (entries: InvalidateEntry[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  deliver(entries: InvalidateEntry[]): void {
    for (const listener of [...this.listeners]) listener(entries)
  }
}
