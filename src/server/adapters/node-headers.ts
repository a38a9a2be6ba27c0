import type { IncomingHttpHeaders } from 'node:http'
import { ownValue } from '../../shared/own-lists.ts'

/**
 * Node keys headers in lowercase. Callers pass a handful of constant names ('X-Mizan-Superjson'),
 * so each name is lowered once and remembered; the bound keeps odd callers from growing it.
 * The remembered name is the engine's interned copy (a property key read back): a freshly
 * lowered string would be looked up in V8's string table on every header read.
 */
const lowered = new Map<string, string>()
function lowerName(name: string): string {
  let lower = lowered.get(name)
  if (lower === undefined) {
    lower = name.toLowerCase()
    if (lowered.size < 256) {
      lower = Object.keys({ [lower]: 0 })[0] ?? lower
      lowered.set(name, lower)
    }
  }
  return lower
}

/**
 * A read-mostly `Headers` over node's already-parsed header object. Building a real `Headers`
 * for every request costs more than the rest of routing; most requests read two or three
 * headers. Writes fall back to a real `Headers` copy.
 */
export class NodeHeaders implements Headers {
  private copy: Headers | undefined

  constructor(private readonly raw: IncomingHttpHeaders) {}

  private real(): Headers {
    if (!this.copy) {
      this.copy = new Headers()
      for (const [name, value] of Object.entries(this.raw)) {
        if (value === undefined) continue
        for (const v of Array.isArray(value) ? value : [value]) this.copy.append(name, v)
      }
    }
    return this.copy
  }

  get(name: string): string | null {
    if (this.copy) return this.copy.get(name)
    // Own keys only: node's header object has a prototype, and `constructor` is not a header.
    const value = ownValue(this.raw, lowerName(name))
    if (value === undefined) return null
    // Headers joins repeated values with ", " (set-cookie aside, which requests do not carry).
    return Array.isArray(value) ? value.join(', ') : value
  }

  has(name: string): boolean {
    return this.copy ? this.copy.has(name) : ownValue(this.raw, lowerName(name)) !== undefined
  }

  getSetCookie(): string[] {
    return this.real().getSetCookie()
  }

  set(name: string, value: string): void {
    this.real().set(name, value)
  }

  append(name: string, value: string): void {
    this.real().append(name, value)
  }

  delete(name: string): void {
    this.real().delete(name)
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    this.real().forEach((value, key) => callback.call(thisArg, value, key, this))
  }

  entries(): HeadersIterator<[string, string]> {
    return this.real().entries()
  }

  keys(): HeadersIterator<string> {
    return this.real().keys()
  }

  values(): HeadersIterator<string> {
    return this.real().values()
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.real()[Symbol.iterator]()
  }
}
