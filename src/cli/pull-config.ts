/**
 * `mizan.config.*`: where `mizan pull` gets a backend's IR and where it writes the typed client.
 */
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Dialect } from '../shared/protocol.ts'

/** A Django project on django-izana (or mizan-django): its `manage.py` exports the IR. */
export interface DjangoSource {
  /** Path of `manage.py`. */
  manage: string
  /**
   * The Python that runs it: a command, or a command and its arguments (`['uv', 'run', 'python']`).
   * @default 'python3'
   */
  python?: string | readonly string[]
  /** Extra environment, e.g. `DJANGO_SETTINGS_MODULE` or `PYTHONPATH`. */
  env?: Readonly<Record<string, string>>
  /**
   * The management command that prints the IR.
   * @default 'export_izana_ir' under the izana dialect, 'export_mizan_ir' under mizan
   */
  command?: string
}

/**
 * The config of `mizan pull`.
 *
 * @example
 * ```js
 * // mizan.config.mjs
 * export default {
 *   source: { django: { manage: '../backend/manage.py', python: ['uv', 'run', 'python'] } },
 *   output: 'src/api',
 *   dialect: 'izana',
 * }
 * ```
 */
export interface PullConfig {
  /** Where the IR comes from: a Django project, an IR file, or a URL that serves the IR text. */
  source: { django: DjangoSource } | { file: string } | { url: string; headers?: Readonly<Record<string, string>> }
  /** The folder `contract.ts` and `client.ts` are written to. */
  output: string
  /**
   * Spelling of the backend (`izana` for the published django-izana, `mizan` for mizan-django).
   * @default 'izana'
   */
  dialect?: Dialect
  /**
   * Module the contract imports `createRouter`, `declareClient` and `declareForm` from.
   * @default 'mizan-ts/server'
   */
  runtime?: string
  /**
   * Module the client imports `createMizanReact` from.
   * @default 'mizan-ts/react'
   */
  react?: string
  /**
   * What `--watch` watches.
   * @default the Django project's folder, or the IR file
   */
  watch?: readonly string[]
}

/** Identity, for a typed `mizan.config.ts` / `.mjs`. */
export function definePullConfig(config: PullConfig): PullConfig {
  return config
}

export const CONFIG_NAMES = ['mizan.config.ts', 'mizan.config.mts', 'mizan.config.mjs', 'mizan.config.js', 'mizan.config.json']

export class ConfigError extends Error {}

/** The config file's path: the one given, or the first `mizan.config.*` in `cwd`. */
export function findConfig(cwd: string, given?: string): string {
  if (given) {
    const path = resolve(cwd, given)
    if (!existsSync(path)) throw new ConfigError(`no config at ${path}`)
    return path
  }
  for (const name of CONFIG_NAMES) if (existsSync(resolve(cwd, name))) return resolve(cwd, name)
  throw new ConfigError(`no ${CONFIG_NAMES.join(', ')} in ${cwd} (or pass --config <file>)`)
}

/** The config, with its paths made absolute against the config file's folder. */
export async function loadConfig(path: string): Promise<PullConfig> {
  let mod: { default?: unknown }
  try {
    mod = path.endsWith('.json')
      ? { default: JSON.parse((await import('node:fs')).readFileSync(path, 'utf8')) }
      : ((await import(`${pathToFileURL(path).href}?t=${Date.now()}`)) as { default?: unknown })
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new ConfigError(`${path} needs a TypeScript loader: name it mizan.config.mjs, or run mizan under tsx`)
    }
    throw error
  }
  return resolvePaths(validate(mod.default, path), dirname(path))
}

function validate(value: unknown, path: string): PullConfig {
  const config = value as Partial<PullConfig> | undefined
  if (typeof config !== 'object' || config === null) throw new ConfigError(`${path}: export the config as default`)
  if (typeof config.output !== 'string') throw new ConfigError(`${path}: 'output' (the folder to write to) is required`)
  const source = config.source as Record<string, unknown> | undefined
  const kinds = source ? ['django', 'file', 'url'].filter((k) => k in source) : []
  if (kinds.length !== 1) throw new ConfigError(`${path}: 'source' needs exactly one of django, file or url`)
  if (config.dialect !== undefined && config.dialect !== 'izana' && config.dialect !== 'mizan') {
    throw new ConfigError(`${path}: 'dialect' is 'izana' or 'mizan'`)
  }
  return config as PullConfig
}

function resolvePaths(config: PullConfig, base: string): PullConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p))
  const source =
    'django' in config.source
      ? { django: { ...config.source.django, manage: abs(config.source.django.manage) } }
      : 'file' in config.source
        ? { file: abs(config.source.file) }
        : config.source
  const resolved: PullConfig = { ...config, source, output: abs(config.output) }
  if (config.watch) resolved.watch = config.watch.map(abs)
  return resolved
}
