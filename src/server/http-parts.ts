import { MizanError } from '../shared/errors.ts'
import type { FlatErrorEnvelope } from '../shared/protocol.ts'
import { stringifyJson } from '../shared/exact-json.ts'

/** A response before it meets a runtime: adapters turn it into node or Fetch form. */
export interface WireResponse {
  status: number
  headers: Record<string, string | string[]>
  body: string
}

export const JSON_CONTENT_TYPE = 'application/json'

const MULTIPART = 'multipart/form-data'

/** Whether a Content-Type is a form post; JSON calls, nearly all of them, are told apart by the first letter. */
export function isMultipartType(contentType: string): boolean {
  // 0x20 folds an ASCII letter to lowercase: 'M' and 'm' both give 'm' (0x6d).
  return (contentType.charCodeAt(0) | 0x20) === 0x6d && contentType.slice(0, MULTIPART.length).toLowerCase() === MULTIPART
}

export function jsonResponse(status: number, body: unknown, headers?: Record<string, string | string[]>): WireResponse {
  const base: Record<string, string | string[]> = { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store' }
  return { status, headers: headers ? Object.assign(base, headers) : base, body: stringifyJson(body) }
}

export function envelopeOf(error: MizanError): FlatErrorEnvelope {
  const envelope: FlatErrorEnvelope = { error: true, code: error.code, message: error.message }
  if (error.details && Object.keys(error.details).length) envelope.details = error.details
  return envelope
}

export function errorResponse(error: MizanError, status = error.status): WireResponse {
  const retryAfter = error.code === 'RATE_LIMITED' ? error.details?.['retryAfter'] : undefined
  return jsonResponse(status, envelopeOf(error), typeof retryAfter === 'number' ? { 'Retry-After': String(retryAfter) } : undefined)
}

export function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  if (!header) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    if (name && !(name in out)) out[name] = part.slice(eq + 1).trim()
  }
  return out
}

/** Compare secrets without leaking where they differ. */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** `length` characters drawn uniformly from [a-zA-Z0-9] (bytes of 248 and up are redrawn: `b % 62` would favour the first eight). */
export function randomToken(length = 32): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let out = ''
  while (out.length < length) {
    const buf = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const b of buf) if (b < 248 && out.length < length) out += alphabet[b % 62]
  }
  return out
}

export class BodyTooLargeError extends MizanError<'BAD_REQUEST'> {
  constructor(limit: number) {
    super('BAD_REQUEST', `Request body exceeds ${limit} bytes`, { status: 413 })
  }
}

/** The body stream failed mid-read: the client left. Its doing, so an answer and not a server fault to report. */
export class BodyEndedEarlyError extends MizanError<'BAD_REQUEST'> {
  constructor() {
    super('BAD_REQUEST', 'Request body ended early')
  }
}
