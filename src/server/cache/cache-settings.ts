/**
 * The context cache a server runs with: the one given in code, its secret from the environment
 * when code leaves it out, or — as the Python backends do — a Redis cache when the environment
 * sets both `MIZAN_CACHE_SECRET` and `MIZAN_CACHE_REDIS_URL`.
 */
import type { Dialect } from '../../shared/protocol.ts'
import { isProduction, processEnv, readSettings, settingName, SettingsError, type Environment } from '../settings.ts'
import type { CacheBackend } from './backend.ts'
import type { ContextCacheOptions } from './context-cache.ts'

/** `ContextCacheOptions` whose `secret` may come from the environment; `false` turns the cache off whatever the environment says. */
export type CacheOption = (Omit<ContextCacheOptions, 'secret'> & { secret?: string }) | false

/**
 * `RedisCache`, loaded on first use through the package's own entry, so the server entry never
 * loads ioredis unless the environment asks for Redis.
 */
function redisFromEnv(url: string): CacheBackend {
  // One backend per URL: the HTTP handler and the WebSocket adapter share it, and with it the
  // purges an outage made them lose (context-cache.ts keeps those per backend).
  const known = envBackends.get(url)
  if (known) return known
  const made = lazyRedis(url)
  envBackends.set(url, made)
  return made
}

const envBackends = new Map<string, CacheBackend>()

function lazyRedis(url: string): CacheBackend {
  let loaded: Promise<CacheBackend> | undefined
  let instance: CacheBackend | undefined
  const backend = () =>
    (loaded ??= import(/* @vite-ignore */ ['mizan-ts', 'cache', 'redis'].join('/')).then(
      (mod: { RedisCache: new (url: string) => CacheBackend }) => (instance = new mod.RedisCache(url)),
    ))
  return {
    get connectionEpoch() {
      return instance?.connectionEpoch
    },
    get: async (key) => (await backend()).get(key),
    getMany: async (keys) => (await backend()).getMany(keys),
    set: async (key, value, ttl) => (await backend()).set(key, value, ttl),
    setAbsent: async (keys, values, ttl) => (await backend()).setAbsent(keys, values, ttl),
    setAll: async (keys, values, ttl) => (await backend()).setAll(keys, values, ttl),
    delete: async (key) => (await backend()).delete(key),
    deleteByPrefix: async (prefix) => (await backend()).deleteByPrefix(prefix),
    clear: async () => (await backend()).clear(),
  }
}

export function resolveCacheOptions(given: CacheOption | undefined, dialect?: Dialect, env: Environment = processEnv()): ContextCacheOptions | undefined {
  if (given === false) return undefined
  const secretName = settingName(dialect, 'CACHE_SECRET')
  const urlName = settingName(dialect, 'CACHE_REDIS_URL')
  if (given) {
    if (given.secret) return given as ContextCacheOptions
    const secret = readSettings(dialect, env).cacheSecret
    if (!secret) throw new SettingsError(`The context cache needs a secret: set ${secretName}, or pass cache: { secret }`)
    return { ...given, secret }
  }
  const { cacheSecret, cacheRedisUrl } = readSettings(dialect, env)
  if (cacheSecret && cacheRedisUrl) return { backend: redisFromEnv(cacheRedisUrl), secret: cacheSecret }
  if (cacheSecret || cacheRedisUrl) {
    const message = cacheSecret ? `${secretName} is set but ${urlName} is missing` : `${urlName} is set but ${secretName} is missing`
    if (isProduction(env)) throw new SettingsError(`${message}: set both to cache contexts, or neither`)
    console.warn(`[mizan] ${message}: the context cache is off`)
  }
  return undefined
}
