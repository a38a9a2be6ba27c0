/**
 * Requests on the socket and their replies, matched by id. Ids are strings (`"1"`, `"2"`…)
 * unique per connection, so a reply can never be taken for another request's. A read still
 * unanswered when the socket drops is sent again; a call fails instead (it may have run).
 */
import type { MizanError } from '../../shared/errors.ts'
import { abortedError, socketError } from '../errors.ts'
import { errorFromFrame, type Frame } from './frames.ts'
import type { Wire } from './wire.ts'

interface Pending {
  frame: Frame
  kind: 'read' | 'call'
  label: string
  resolve(frame: Frame): void
  reject(error: MizanError): void
  sent: boolean
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * Requests sent and not yet answered, at most: the server's default `maxInFlight` (32) answers
 * any beyond it with an error, so the rest wait here until a reply frees a slot.
 */
const MAX_ON_WIRE = 32

export class PendingRequests {
  private nextId = 1
  private readonly pending = new Map<string, Pending>()
  /** Ids sent and not yet answered by the server (an aborted request keeps its slot until then). */
  private readonly onWire = new Set<string>()

  constructor(
    private readonly wire: Wire,
    private readonly options: { connectTimeoutMs?: number },
  ) {}

  get size(): number {
    return this.pending.size
  }

  private settle(id: string): void {
    const pending = this.pending.get(id)
    if (pending?.timer) clearTimeout(pending.timer)
    this.pending.delete(id)
  }

  private armConnectTimer(pending: Pending, id: string): void {
    if (pending.timer) clearTimeout(pending.timer)
    const ms = this.options.connectTimeoutMs ?? 10_000
    pending.timer = setTimeout(() => {
      if (!this.pending.has(id) || pending.sent) return
      // Open by now, it is waiting for a slot instead (after a reconnect with more than fit).
      if (this.wire.status === 'open') {
        pending.timer = undefined
        return
      }
      this.settle(id)
      pending.reject(socketError(`No WebSocket connection within ${ms} ms for ${pending.label}`))
    }, ms)
  }

  private transmit(id: string, pending: Pending): void {
    if (this.onWire.size >= MAX_ON_WIRE) return
    if (this.wire.send({ ...pending.frame, id })) {
      this.onWire.add(id)
      pending.sent = true
      if (pending.timer) clearTimeout(pending.timer)
      pending.timer = undefined
    }
  }

  /** Send `{action, id, …}` and resolve with the `ok` reply. */
  request(frame: Frame, kind: 'read' | 'call', label: string, signal?: AbortSignal): Promise<Frame> {
    if (signal?.aborted) return Promise.reject(abortedError(signal.reason))
    const id = String(this.nextId++)
    return new Promise((resolve, reject) => {
      const pending: Pending = { frame, kind, label, resolve, reject, sent: false, timer: undefined }
      this.pending.set(id, pending)
      if (signal) {
        const onAbort = () => {
          if (!this.pending.has(id)) return
          this.settle(id)
          reject(abortedError(signal.reason))
        }
        signal.addEventListener('abort', onAbort, { once: true })
        const done = () => signal.removeEventListener('abort', onAbort)
        pending.resolve = (value) => (done(), resolve(value))
        pending.reject = (error) => (done(), reject(error))
      }
      if (this.wire.status === 'open') this.transmit(id, pending)
      // One held back for want of a slot goes when a reply frees one: no connection to wait for.
      if (!pending.sent && this.onWire.size < MAX_ON_WIRE) {
        this.armConnectTimer(pending, id)
        this.wire.ensureOpen()
      }
    })
  }

  /** An `{id, ok, …}` reply: settles its request, if it is still waiting. */
  reply(frame: Frame): void {
    const id = String(frame['id'])
    const pending = this.pending.get(id)
    if (pending) {
      this.settle(id)
      if (frame['ok'] === true) pending.resolve(frame)
      else pending.reject(errorFromFrame(frame['error']))
    }
    if (this.onWire.delete(id) && this.wire.status === 'open') this.sendUnsent()
  }

  /** On (re)open, or when a slot frees: whatever waits, oldest first, as far as the slots go. */
  sendUnsent(): void {
    for (const [id, pending] of this.pending) {
      if (this.onWire.size >= MAX_ON_WIRE) return
      if (!pending.sent) this.transmit(id, pending)
    }
  }

  /** The socket dropped: reads wait to be sent again, calls that were on the wire fail (with `why`, when it is known). */
  disconnected(why?: string): void {
    this.onWire.clear()
    for (const [id, pending] of this.pending) {
      if (!pending.sent) {
        // One that waited for a slot now waits for a connection, as long as any other (a request
        // already waiting for one keeps its timer: reconnect attempts must not restart it).
        if (!pending.timer) this.armConnectTimer(pending, id)
        continue
      }
      if (pending.kind === 'read') {
        // Reads are safe to send again once the socket is back.
        pending.sent = false
        this.armConnectTimer(pending, id)
      } else {
        this.settle(id)
        pending.reject(socketError(why ? `${why}; ${pending.label} was not retried` : `The WebSocket closed before ${pending.label} was answered; it may have run on the server, so it was not retried`))
      }
    }
  }

  failAll(error: MizanError): void {
    for (const [id, pending] of this.pending) {
      this.settle(id)
      pending.reject(error)
    }
  }
}
