/**
 * SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104) over UTF-8 text, synchronous and in plain
 * JavaScript: cache keys and permission keys are derived on the request path without awaiting,
 * and Web Crypto's digest is asynchronous only. No `node:crypto` import, so the fetch adapter
 * runs on Workers as it does on Node; where the runtime offers its built-in crypto through
 * `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno) that native code is used instead, being
 * faster for the per-request cache key.
 */
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
const encoder = new TextEncoder()

interface NativeCrypto {
  createHash(algorithm: 'sha256'): { update(text: string, encoding: 'utf8'): { digest(encoding: 'hex'): string } }
  createHmac(algorithm: 'sha256', key: string): { update(text: string, encoding: 'utf8'): { digest(encoding: 'hex'): string } }
}

function nativeCrypto(): NativeCrypto | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process
  try {
    return runtime?.getBuiltinModule?.('node:crypto') as NativeCrypto | undefined
  } catch {
    return undefined
  }
}

const native = nativeCrypto()
const w = new Uint32Array(64)

function compress(state: Uint32Array, block: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4
    w[i] = ((block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!) >>> 0
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!
    const b = w[i - 2]!
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) >>> 0
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) >>> 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) >>> 0
    h = g
    g = f
    f = e
    e = (d + t1) >>> 0
    d = c
    c = b
    b = a
    a = (t1 + t2) >>> 0
  }
  state[0] = (state[0]! + a) >>> 0
  state[1] = (state[1]! + b) >>> 0
  state[2] = (state[2]! + c) >>> 0
  state[3] = (state[3]! + d) >>> 0
  state[4] = (state[4]! + e) >>> 0
  state[5] = (state[5]! + f) >>> 0
  state[6] = (state[6]! + g) >>> 0
  state[7] = (state[7]! + h) >>> 0
}

/** SHA-256 of `prefix` (whole 64-byte blocks, e.g. an HMAC pad) followed by `message`. */
function digest(message: Uint8Array, prefix?: Uint8Array): Uint8Array {
  const prefixLength = prefix?.length ?? 0
  const total = prefixLength + message.length
  const padded = new Uint8Array(Math.ceil((total + 9) / 64) * 64)
  if (prefix) padded.set(prefix)
  padded.set(message, prefixLength)
  padded[total] = 0x80
  const view = new DataView(padded.buffer)
  view.setUint32(padded.length - 8, Math.floor(total / 0x20000000))
  view.setUint32(padded.length - 4, (total * 8) >>> 0)
  const state = Uint32Array.from(INITIAL)
  for (let at = 0; at < padded.length; at += 64) compress(state, padded, at)
  const out = new Uint8Array(32)
  const outView = new DataView(out.buffer)
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, state[i]!)
  return out
}

function hex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += (byte < 16 ? '0' : '') + byte.toString(16)
  return out
}

export function sha256Hex(text: string): string {
  if (native) return native.createHash('sha256').update(text, 'utf8').digest('hex')
  return hex(digest(encoder.encode(text)))
}

/** The padded inner and outer keys of one secret, computed once: keys are derived per request. */
function hmacPads(secret: string): [Uint8Array, Uint8Array] {
  let key: Uint8Array = encoder.encode(secret)
  if (key.length > 64) key = digest(key)
  const inner = new Uint8Array(64).fill(0x36)
  const outer = new Uint8Array(64).fill(0x5c)
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!
    outer[i]! ^= key[i]!
  }
  return [inner, outer]
}

const pads = new Map<string, [Uint8Array, Uint8Array]>()

export function hmacSha256Hex(secret: string, text: string): string {
  if (native) return native.createHmac('sha256', secret).update(text, 'utf8').digest('hex')
  return jsHmacSha256Hex(secret, text)
}

/** The plain-JavaScript path, exported so tests check it on Node too. */
export function jsSha256Hex(text: string): string {
  return hex(digest(encoder.encode(text)))
}

export function jsHmacSha256Hex(secret: string, text: string): string {
  let pair = pads.get(secret)
  if (!pair) {
    // A handful of secrets per process (the current one and those being rotated out).
    if (pads.size > 16) pads.clear()
    pair = hmacPads(secret)
    pads.set(secret, pair)
  }
  return hex(digest(digest(encoder.encode(text), pair[0]), pair[1]))
}
