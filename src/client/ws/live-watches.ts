/** Opt-in live invalidation: contexts watched on the server (counted per context + params) and the listeners of its pushes. */
import type { InvalidateEntry } from '../../shared/protocol.ts'
import { keyOf, withoutUndefined } from './frames.ts'
import type { Wire } from './wire.ts'

export class LiveWatches {
  private readonly watches = new Map<string, { context: string; params: Record<string, unknown>; count: number }>()
  private readonly listeners = new Set<(entries: InvalidateEntry[]) => void>()

  constructor(private readonly wire: Wire) {}

  get size(): number {
    return this.watches.size
  }

  /** On (re)open: the server forgot the watches with the old socket. */
  rewatch(): void {
    for (const watch of this.watches.values()) this.wire.send({ action: 'watch', context: watch.context, params: watch.params })
  }

  watch(context: string, params: Record<string, unknown> = {}): () => void {
    const clean = withoutUndefined(params)
    const key = keyOf(context, clean)
    const existing = this.watches.get(key)
    if (existing) existing.count++
    else {
      this.watches.set(key, { context, params: clean, count: 1 })
      if (!this.wire.send({ action: 'watch', context, params: clean })) this.wire.ensureOpen()
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

  onInvalidate(listener: (entries: InvalidateEntry[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  deliver(entries: InvalidateEntry[]): void {
    for (const listener of [...this.listeners]) listener(entries)
  }
}
