import type { CacheBackend } from './backend.ts'

export interface MemoryCacheOptions {
  /** TTL of a `set` without one. Default one day. */
  defaultTtlSeconds?: number
  /** Upper bound of what the entries take (keys and values as UTF-16, plus a per-entry overhead). Default 64 MiB. */
  maxBytes?: number
}

interface Entry {
  value: string
  expires: number
  size: number
}

/** What one entry costs beside its strings: the Map slot and the entry object, roughly. */
const ENTRY_OVERHEAD = 64

/**
 * The embedded default: one process, no Redis needed. A least-recently-used store bounded by
 * bytes: a flood of distinct keys evicts the coldest entries, never a bundle read a moment ago,
 * and a few large bundles cannot hold more memory than the bound.
 */
export class MemoryCache implements CacheBackend {
  private readonly store = new Map<string, Entry>()
  private readonly defaultTtlSeconds: number
  readonly maxBytes: number
  private used = 0

  constructor(options: MemoryCacheOptions = {}) {
    this.defaultTtlSeconds = options.defaultTtlSeconds ?? 86_400
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  }

  /** Bytes the live entries take, as counted against `maxBytes`. */
  get bytes(): number {
    return this.used
  }

  get size(): number {
    return this.store.size
  }

  private read(key: string): string | null {
    const entry = this.store.get(key)
    if (!entry) return null
    if (entry.expires <= Date.now()) {
      this.remove(key, entry)
      return null
    }
    // Map iterates in insertion order: re-inserting makes this key the most recently used.
    this.store.delete(key)
    this.store.set(key, entry)
    return entry.value
  }

  private write(key: string, value: string, ttlSeconds: number): void {
    const old = this.store.get(key)
    if (old) this.remove(key, old)
    const size = (key.length + value.length) * 2 + ENTRY_OVERHEAD
    if (size > this.maxBytes) return
    while (this.used + size > this.maxBytes) {
      const coldest = this.store.entries().next().value
      if (!coldest) break
      this.remove(coldest[0], coldest[1])
    }
    this.store.set(key, { value, expires: Date.now() + ttlSeconds * 1000, size })
    this.used += size
  }

  private remove(key: string, entry: Entry): void {
    this.store.delete(key)
    this.used -= entry.size
  }

  async get(key: string): Promise<string | null> {
    return this.read(key)
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.read(key))
  }

  async set(key: string, value: string, ttlSeconds = this.defaultTtlSeconds): Promise<void> {
    this.write(key, value, ttlSeconds)
  }

  async setAbsent(keys: readonly string[], values: readonly string[], ttlSeconds: number): Promise<string[]> {
    return keys.map((key, i) => {
      const held = this.read(key)
      if (held !== null) return held
      const value = values[i] as string
      this.write(key, value, ttlSeconds)
      return value
    })
  }

  async setAll(keys: readonly string[], values: readonly string[], ttlSeconds: number): Promise<void> {
    keys.forEach((key, i) => this.write(key, values[i] as string, ttlSeconds))
  }

  async delete(key: string): Promise<boolean> {
    const entry = this.store.get(key)
    if (entry) this.remove(key, entry)
    return entry !== undefined
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let count = 0
    for (const [key, entry] of [...this.store]) {
      if (key.startsWith(prefix)) {
        this.remove(key, entry)
        count++
      }
    }
    return count
  }

  async clear(): Promise<void> {
    this.store.clear()
    this.used = 0
  }
}
