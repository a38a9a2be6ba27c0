/**
 * Settings from the environment, under the names the Python backends read from Django settings
 * (`MIZAN_CACHE_SECRET`, `MIZAN_CACHE_REDIS_URL`, `MIZAN_MWT_SECRET`, `MIZAN_MWT_TTL`; `IZANA_…`
 * under the izana dialect). An option given in code always wins; the environment fills what is
 * not given. A secret is never made up: where one is needed and missing, startup fails saying
 * which variable to set.
 */
import { DIALECTS, type Dialect } from '../shared/protocol.ts'

export interface MizanSettings {
  /** `<PREFIX>CACHE_SECRET`: the HMAC key of the context cache. */
  cacheSecret?: string
  /** `<PREFIX>CACHE_REDIS_URL`: the Redis the context cache lives in. */
  cacheRedisUrl?: string
  /** `<PREFIX>MWT_SECRET`: the key MWT identity tokens are signed with (kid `v1`, as the reference). */
  mwtSecret?: string
  /** `<PREFIX>MWT_TTL`: token lifetime in seconds. */
  mwtTtl?: number
}

export type Environment = Record<string, string | undefined>

/** A setting that is missing or contradictory: thrown when the server is made, never at a request. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError'
}

/** `process.env` where there is one (Node, Bun, Deno's Node layer); an empty environment elsewhere (Workers). */
export function processEnv(): Environment {
  const proc = (globalThis as { process?: { env?: Environment } }).process
  return proc?.env ?? {}
}

export function isProduction(env: Environment = processEnv()): boolean {
  return env['NODE_ENV'] === 'production'
}

/** The variable a setting is read from, in a dialect's spelling (`MIZAN_CACHE_SECRET`, `IZANA_CACHE_SECRET`). */
export function settingName(dialect: Dialect | undefined, name: 'CACHE_SECRET' | 'CACHE_REDIS_URL' | 'MWT_SECRET' | 'MWT_TTL'): string {
  return `${DIALECTS[dialect ?? 'mizan'].settingsPrefix}${name}`
}

/** The settings the environment gives; empty values count as unset. */
export function readSettings(dialect?: Dialect, env: Environment = processEnv()): MizanSettings {
  const read = (name: Parameters<typeof settingName>[1]) => {
    const value = env[settingName(dialect, name)]?.trim()
    return value ? value : undefined
  }
  const settings: MizanSettings = {}
  const cacheSecret = read('CACHE_SECRET')
  const cacheRedisUrl = read('CACHE_REDIS_URL')
  const mwtSecret = read('MWT_SECRET')
  const ttl = read('MWT_TTL')
  if (cacheSecret) settings.cacheSecret = cacheSecret
  if (cacheRedisUrl) settings.cacheRedisUrl = cacheRedisUrl
  if (mwtSecret) settings.mwtSecret = mwtSecret
  if (ttl !== undefined) {
    const seconds = Number(ttl)
    if (!/^\d+$/.test(ttl) || !Number.isSafeInteger(seconds) || seconds <= 0) {
      throw new SettingsError(`${settingName(dialect, 'MWT_TTL')} must be a whole number of seconds, got '${ttl}'`)
    }
    settings.mwtTtl = seconds
  }
  return settings
}
