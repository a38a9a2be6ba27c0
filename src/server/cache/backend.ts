/** Where cached context bundles live. Values are the serialized bundle, served byte for byte. */
export interface CacheBackend {
  get(key: string): Promise<string | null>
  /** `ttlSeconds` undefined means the backend's default. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
  delete(key: string): Promise<boolean>
  deleteByPrefix(prefix: string): Promise<number>
  clear(): Promise<void>
}

/** The embedded default: one process, no Redis needed. */
export class MemoryCache implements CacheBackend {
  private readonly store = new Map<string, { value: string; expires: number }>()

  constructor(private readonly defaultTtlSeconds = 86_400, private readonly maxEntries = 10_000) {}

  async get(key: string): Promise<string | null> {
    const entry = this.store.get(key)
    if (!entry) return null
    if (entry.expires <= Date.now()) {
      this.store.delete(key)
      return null
    }
    return entry.value
  }

  async set(key: string, value: string, ttlSeconds = this.defaultTtlSeconds): Promise<void> {
    // Oldest-first eviction keeps memory bounded: Map iterates in insertion order.
    if (!this.store.has(key) && this.store.size >= this.maxEntries) {
      const oldest = this.store.keys().next().value
      if (oldest !== undefined) this.store.delete(oldest)
    }
    this.store.set(key, { value, expires: Date.now() + ttlSeconds * 1000 })
  }

  async delete(key: string): Promise<boolean> {
    return this.store.delete(key)
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let count = 0
    for (const key of [...this.store.keys()]) {
      if (key.startsWith(prefix)) count += Number(this.store.delete(key))
    }
    return count
  }

  async clear(): Promise<void> {
    this.store.clear()
  }
}
