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
      watch.sent = this.wire.send({ action: 'watch', context: watch.context, params: watch.params, resume: true, ...(resume ? { since } : {}) }) || watch.sent
    }
  }

  watch(context: string, params: Record<string, unknown> = {}): () => void {
    const clean = withoutUndefined(params)
    const key = keyOf(context, clean)
    const existing = this.watches.get(key)
    if (existing) existing.count++
    else {
      const watch: Watch = { context, params: clean, count: 1, sent: false, acked: false, resyncOnAck: false }
      this.watches.set(key, watch)
      watch.sent = this.wire.send({ action: 'watch', context, params: clean, resume: true })
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
