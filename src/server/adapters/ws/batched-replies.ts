/**
 * The outgoing side of a batching socket (PROTOCOL.md §15): what the session writes in one turn
 * of the event loop leaves as one frame, a JSON array when there is more than one, so a batch of
 * calls costs one frame each way instead of one per call.
 */

/** Past this many characters the batch goes at once: frames stay bounded whatever one tick writes. */
const FLUSH_AT_CHARS = 64 * 1024

export class BatchedReplies {
  private texts: string[] = []
  private chars = 0
  // setImmediate, not nextTick: replies that settle in promise callbacks without I/O (an async
  // handler that awaits nothing slow) still join the batch.
  private readonly flushAfterCallbacks = () => this.flush()

  constructor(private readonly write: (text: string) => void) {}

  /** Characters written and not yet sent (a lower bound of their UTF-8 bytes). */
  get pendingChars(): number {
    return this.chars
  }

  add(text: string): void {
    if (this.texts.push(text) === 1) setImmediate(this.flushAfterCallbacks)
    this.chars += text.length
    if (this.chars >= FLUSH_AT_CHARS) this.flush()
  }

  private flush(): void {
    const texts = this.texts
    if (texts.length === 0) return
    this.texts = []
    this.chars = 0
    this.write(texts.length === 1 ? texts[0]! : `[${texts.join(',')}]`)
  }
}
