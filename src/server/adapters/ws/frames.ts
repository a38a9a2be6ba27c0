/** Incoming frames: decoding within the size and depth limits, and the reference's way of printing fields. */
import type { RawData } from 'ws'
import { MizanError } from '../../../shared/errors.ts'
import { parseJsonBody } from '../../json-body.ts'

export type Frame = Record<string, unknown>
export type RpcId = string | number

export const NOT_A_FRAME = 'Frame must be a JSON object'

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Python's `str()` of a frame field, as the reference's f-strings print it (`None` for a missing one). */
export function pyText(value: unknown): string {
  if (value === undefined || value === null) return 'None'
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * A text frame as a JSON object, a batch (a JSON array of frames, PROTOCOL.md §15), or the error
 * text to answer it with. The elements of a batch are checked one by one, as they are handled.
 */
export function decodeFrame(
  data: RawData,
  isBinary: boolean,
  maxFrameBytes: number,
  maxJsonDepth: number,
): { frame: Frame } | { batch: unknown[] } | { error: string } {
  if (isBinary) return { error: 'Binary frames are not supported; send JSON text' }
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
  if (bytes.length > maxFrameBytes) return { error: `Frame exceeds ${maxFrameBytes} bytes` }
  let frame: unknown
  try {
    frame = parseJsonBody(bytes.toString('utf8'), maxJsonDepth)
  } catch (error) {
    return { error: error instanceof MizanError && error.message.startsWith('JSON nested') ? error.message : 'Invalid JSON' }
  }
  if (isRecord(frame)) return { frame }
  if (Array.isArray(frame)) return { batch: frame }
  return { error: NOT_A_FRAME }
}
