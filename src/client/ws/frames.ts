/** Frames as the transport reads them: parsing, the canonical key of params, and error replies. */
import { MizanError, statusForCode } from '../../shared/errors.ts'
import { mayBeLossy, NEEDS_EXACT_JSON, type JsonCodec } from '../json.ts'

export type Frame = Record<string, unknown>

/** JSON with sorted keys and no `undefined`: equal params are one subscription. */
export function canonicalParams(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    return `{${Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalParams(record[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value ?? null)
}

export function withoutUndefined(params: unknown): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return {}
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined))
}

/** A channel or context with params, as one key: the server answers them by name and params. */
export function keyOf(name: string, params: unknown): string {
  return `${name}\u0000${canonicalParams(params)}`
}

/** The error a `{"ok": false, "error": {…}}` reply stands for. */
export function errorFromFrame(error: unknown): MizanError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown; details?: unknown }
  const code = typeof e.code === 'string' && e.code ? e.code : 'INVALID_RESPONSE'
  const details = typeof e.details === 'object' && e.details !== null && !Array.isArray(e.details) ? (e.details as Record<string, unknown>) : undefined
  const status = statusForCode(code)
  return new MizanError(code as 'BAD_REQUEST', typeof e.message === 'string' ? e.message : '', details ? { status, details } : { status })
}

const isFrame = (value: unknown): value is Frame => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Without the exact-json plug-in, a frame holding an integer beyond 2^53 is not delivered rounded:
 * a reply fails its request, a broadcast reaches the channel's `onError`, anything else is dropped.
 */
function refuseLossy(text: string, frame: Frame): Frame {
  if (!mayBeLossy(text, frame)) return frame
  if ('id' in frame) return { id: frame['id'], ok: false, error: { code: 'INVALID_RESPONSE', message: NEEDS_EXACT_JSON } }
  return typeof frame['channel'] === 'string' ? { channel: frame['channel'], error: NEEDS_EXACT_JSON } : {}
}

/**
 * The frames a text carries: one JSON object, or the objects of a batch (a JSON array, PROTOCOL.md
 * §15). Anything else is ignored, as the reference's client ignores it. `json` is the client's
 * exact-json codec, if it has one.
 */
export function parseFrames(text: string, json?: JsonCodec): Frame[] {
  try {
    const parsed: unknown = json ? json.parse(text) : JSON.parse(text)
    const frames = (Array.isArray(parsed) ? parsed : [parsed]).filter(isFrame)
    return json ? frames : frames.map((frame) => refuseLossy(text, frame))
  } catch {
    return []
  }
}
