/**
 * Streaming functions on the socket (PROTOCOL.md §16): an `rpc` frame with `"stream": true`
 * is answered by `{"id", "data"}` frames, one per item (`"eid"` when the item is tracked), then
 * `{"id", "ok": true, "done": true, "data": {"invalidate"?}}`, or `{"id", "ok": false, "error"}`.
 * `{"action": "cancel", "id"}` stops it. Items are pulled only as the socket drains.
 */
import { envelopeOf } from '../../http-parts.ts'
import type { MizanError } from '../../../shared/errors.ts'
import type { StreamItems } from '../../streaming/stream-source.ts'
import type { RpcId } from './frames.ts'

export interface StreamLink {
  sendText(text: string): void
  /** Resolves once the socket's unsent bytes are under the high-water mark (at once when they are). */
  drained(): Promise<void>
}

interface Running {
  items: StreamItems
  controller: AbortController
}

/** Items sent between two yields to the event loop, so one fast generator cannot starve the others. */
const ITEMS_PER_TURN = 64

export class SessionStreams {
  private readonly running = new Map<RpcId, Running>()

  constructor(
    private readonly link: StreamLink,
    private readonly format: (error: MizanError) => MizanError,
  ) {}

  get size(): number {
    return this.running.size
  }

  has(id: RpcId): boolean {
    return this.running.has(id)
  }

  /** Pump a stream to the end; resolves when its final frame is sent (or the socket is gone). */
  async run(id: RpcId, items: StreamItems, controller: AbortController, final: Record<string, unknown>, settle: () => void): Promise<void> {
    const me: Running = { items, controller }
    this.running.set(id, me)
    const idText = JSON.stringify(id)
    try {
      for (let sent = 0; ; sent++) {
        const step = await items.next()
        if (controller.signal.aborted) break
        if (step.done) break
        this.link.sendText(`{"id":${idText},"data":${step.json}${step.id !== undefined ? `,"eid":${JSON.stringify(step.id)}` : ''}}`)
        if (sent % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve))
        await this.link.drained()
        if (controller.signal.aborted) break
      }
      // A cancelled stream was answered when it was cancelled.
      if (this.running.get(id) === me) this.link.sendText(`{"id":${idText},"ok":true,"done":true,"data":${JSON.stringify(final)}}`)
    } catch (error) {
      const { error: _flag, ...rest } = envelopeOf(this.format(error as MizanError))
      if (this.running.get(id) === me) this.link.sendText(JSON.stringify({ id, ok: false, error: rest }))
    } finally {
      if (this.running.get(id) === me) this.running.delete(id)
      settle()
    }
  }

  /** The client cancelled: the generator is woken through its signal and closed. */
  cancel(id: RpcId): boolean {
    const stream = this.running.get(id)
    if (!stream) return false
    this.running.delete(id)
    stream.controller.abort()
    void stream.items.close()
    this.link.sendText(`{"id":${JSON.stringify(id)},"ok":true,"done":true,"data":{}}`)
    return true
  }

  /** The socket closed: every stream stops. */
  detach(): void {
    for (const id of [...this.running.keys()]) this.cancel(id)
  }
}
