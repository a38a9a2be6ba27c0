/**
 * The outgoing side of a batching socket (PROTOCOL.md §15): what the session writes in one turn
 * of the event loop leaves as one frame, a JSON array when there is more than one, so a batch of
 * calls costs one frame each way instead of one per call.
 */
import type { Frame } from './frames.ts'
import { stringifyJson } from '../../../shared/exact-json.ts'

/** Past this many characters a turn's replies go in several frames, each about this size at most. */
const SPLIT_AT_CHARS = 64 * 1024
/**
 * A turn that writes more frames than this (a publish loop, say) sends them at once: the size
 * of what waits is checked as it leaves, so it must not pile up unchecked until the turn ends.
 */
const FLUSH_AT_ITEMS = 256

const arrayOf = (texts: string[]): string => (texts.length === 1 ? texts[0]! : `[${texts.join(',')}]`)

export class BatchedReplies {
  /** Frames are kept as objects: one JSON.stringify of the whole array is cheaper than one per reply. */
  private items: (Frame | string)[] = []
  private texts = 0
  // setImmediate, not nextTick: replies that settle in promise callbacks without I/O (an async
  // handler that awaits nothing slow) still join the batch.
  private readonly flushAfterCallbacks = () => this.flush()

  /**
   * `write` sends one frame's text, and may refuse it (a slow consumer is dropped there).
   * `frameText` serializes one frame and never throws (a reply that cannot be serialized
   * becomes an error frame there).
   */
  constructor(
    private readonly write: (text: string) => void,
    private readonly frameText: (frame: Frame) => string,
  ) {}

  private textOf(item: Frame | string): string {
    return typeof item === 'string' ? item : this.frameText(item)
  }

  add(item: Frame | string): void {
    const count = this.items.push(item)
    if (count === 1) setImmediate(this.flushAfterCallbacks)
    if (typeof item === 'string') this.texts++
    if (count >= FLUSH_AT_ITEMS) this.flush()
  }

  private flush(): void {
    const items = this.items
    if (items.length === 0) return
    const onlyFrames = this.texts === 0
    this.items = []
    this.texts = 0
    if (items.length === 1) return this.write(this.textOf(items[0]!))
    const whole = onlyFrames ? stringifyOrUndefined(items) : undefined
    if (whole !== undefined && whole.length <= SPLIT_AT_CHARS) return this.write(whole)
    let chunk: string[] = []
    let chars = 0
    for (const item of items) {
      const text = this.textOf(item)
      if (chunk.length > 0 && chars + text.length > SPLIT_AT_CHARS) {
        this.write(arrayOf(chunk))
        chunk = []
        chars = 0
      }
      chunk.push(text)
      chars += text.length
    }
    this.write(arrayOf(chunk))
  }
}

/** The whole batch as one JSON text, or undefined when some reply in it cannot be serialized (each is then serialized alone). */
function stringifyOrUndefined(items: unknown[]): string | undefined {
  try {
    return stringifyJson(items)
  } catch {
    return undefined
  }
}
