/**
 * `mizan` command line:
 *   mizan contract <ir-file> [-o out.ts] [--runtime <module>] [--zod <module>]
 *       IR (e.g. from `manage.py export_izana_ir`) → a TypeScript contract module.
 *   mizan ir <router-module> [--export <name>] [--channels <name>] [--policies] [-o out.kdl]
 *       a TS router → the KDL IR the Python reference would export for the same functions;
 *       the router's own channels, plus the schemas of the module's `channels` export (a
 *       generated contract has one; `defineChannel` values there are the router's, not read twice).
 *       --policies adds each function's auth gate, rev and cache policy (a Mizan-TS extension).
 *   mizan pull [--config <mizan.config.mjs>] [--watch]
 *       a backend's IR (a Django manage.py, a file or a URL, as the config says) → contract.ts and
 *       client.ts; with --watch, again whenever the backend's sources change.
 *   mizan openapi <router-module> [--export <name>] [--title <t>] [--version <v>] [--server <url>] [--dialect izana] [-o out.json]
 *       a TS router → an OpenAPI 3.1 document of its callable functions and contexts.
 * Installed as the `mizan` bin (dist/cli/bin.js); from this repository: `npx tsx src/cli/mizan.ts …`.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isChannel } from '../server/channels/define-channel.ts'
import { exportIr, type ExportableRouter, type ExportIrOptions } from '../server/ir/export-ir.ts'
import { IrError } from '../server/ir/ir-model.ts'
import { readIr } from '../server/ir/read-ir.ts'
import { irToContract } from '../server/ir/to-contract.ts'
import { pull, PullError, watchPull } from './pull.ts'
import { ConfigError, findConfig, loadConfig } from './pull-config.ts'
import { buildOpenApi, type OpenApiOptions, type OpenApiRouter } from '../server/openapi/index.ts'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

const USAGE = `usage:
  mizan contract <ir-file> [-o <out.ts>] [--runtime <module>] [--zod <module>]
  mizan ir <router-module> [--export <name>] [--channels <name>] [-o <out.kdl>]
  mizan pull [--config <mizan.config.mjs>] [--watch]
  mizan openapi <router-module> [--export <name>] [--title <t>] [--version <v>] [--server <url>] [--dialect izana] [-o <out.json>]
`

class UsageError extends Error {}

function parseArgs(args: string[], flags: Record<string, string>): { positional: string[]; values: Record<string, string> } {
  const positional: string[] = []
  const values: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const flag = flags[arg]
    if (flag) {
      const value = args[++i]
      if (value === undefined) throw new UsageError(`${arg} needs a value`)
      values[flag] = value
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`)
    else positional.push(arg)
  }
  return { positional, values }
}

function emit(text: string, out: string | undefined, io: CliIo): void {
  if (out === undefined) io.stdout(text)
  else {
    writeFileSync(out, text)
    io.stderr(`wrote ${out}\n`)
  }
}

function contract(args: string[], io: CliIo): void {
  const { positional, values } = parseArgs(args, { '-o': 'out', '--out': 'out', '--runtime': 'runtime', '--zod': 'zod' })
  const [file] = positional
  if (positional.length !== 1 || !file) throw new UsageError('contract takes one IR file')
  const doc = readIr(readFileSync(file, 'utf8'))
  const options: Parameters<typeof irToContract>[1] = { source: basename(file) }
  if (values['runtime']) options.runtime = values['runtime']
  if (values['zod']) options.zod = values['zod']
  emit(irToContract(doc, options), values['out'], io)
}

const isRouter = (value: unknown): value is ExportableRouter =>
  typeof value === 'object' && value !== null && (value as { '~mizan'?: unknown })['~mizan'] === 'router' && (value as ExportableRouter).functions instanceof Map

/** The module's one exported router, or the one `--export` names. */
async function loadRouter(file: string, wanted: string | undefined): Promise<{ mod: Record<string, unknown>; router: ExportableRouter }> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>
  const routers = Object.entries(mod).filter(([name, value]) => isRouter(value) && (wanted === undefined || name === wanted))
  if (routers.length !== 1) {
    const found = Object.keys(mod).filter((k) => isRouter(mod[k]))
    throw new UsageError(`${file}: ${wanted ? `no router exported as '${wanted}'` : 'pick a router with --export'} (routers: ${found.join(', ') || 'none'})`)
  }
  return { mod, router: routers[0]![1] as ExportableRouter }
}

async function openapi(args: string[], io: CliIo): Promise<void> {
  const flags = { '-o': 'out', '--out': 'out', '--export': 'export', '--title': 'title', '--version': 'version', '--server': 'serverUrl', '--dialect': 'dialect' }
  const { positional, values } = parseArgs(args, flags)
  const [file] = positional
  if (positional.length !== 1 || !file) throw new UsageError('openapi takes one router module')
  const dialect = values['dialect'] ?? 'mizan'
  if (dialect !== 'mizan' && dialect !== 'izana') throw new UsageError(`--dialect is mizan or izana, not '${dialect}'`)
  const { router } = await loadRouter(file, values['export'])
  if (!('contexts' in router && router.contexts instanceof Map)) throw new UsageError(`${file}: the router has no contexts map (made by createRouter?)`)
  const options: OpenApiOptions = { dialect }
  if (values['title']) options.title = values['title']
  if (values['version']) options.version = values['version']
  if (values['serverUrl']) options.serverUrl = values['serverUrl']
  emit(`${JSON.stringify(buildOpenApi(router as OpenApiRouter, options), null, 2)}\n`, values['out'], io)
}

async function ir(args: string[], io: CliIo): Promise<void> {
  const policies = args.includes('--policies')
  const { positional, values } = parseArgs(args.filter((a) => a !== '--policies'), { '-o': 'out', '--out': 'out', '--export': 'export', '--channels': 'channels' })
  const [file] = positional
  if (positional.length !== 1 || !file) throw new UsageError('ir takes one router module')
  const { mod, router } = await loadRouter(file, values['export'])
  const channelsName = values['channels'] ?? 'channels'
  const channels = mod[channelsName]
  if (values['channels'] && (typeof channels !== 'object' || channels === null)) throw new UsageError(`${file}: no channels exported as '${channelsName}'`)
  // An app's own `channels` export holds its `defineChannel` values, which the router already has.
  const schemas = typeof channels === 'object' && channels !== null ? Object.entries(channels).filter(([, value]) => !isChannel(value)) : []
  const options: ExportIrOptions = schemas.length ? { channels: Object.fromEntries(schemas) as NonNullable<ExportIrOptions['channels']> } : {}
  if (policies) options.policies = true
  emit(exportIr(router, options), values['out'], io)
}

async function pullCommand(args: string[], io: CliIo): Promise<number> {
  const watching = args.includes('--watch')
  const { positional, values } = parseArgs(
    args.filter((a) => a !== '--watch'),
    { '--config': 'config', '-c': 'config' },
  )
  if (positional.length) throw new UsageError('pull takes no positional arguments')
  const config = await loadConfig(findConfig(process.cwd(), values['config']))
  if (!watching) {
    const { written, functions } = await pull(config)
    io.stderr(written.length ? `pulled ${functions} functions: wrote ${written.join(', ')}\n` : `pulled ${functions} functions: unchanged\n`)
    return 0
  }
  const stop = watchPull(config, (message) => io.stderr(`${message}\n`))
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve())
  })
  stop()
  return 0
}

export async function main(argv: string[], io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === 'contract') contract(rest, io)
    else if (command === 'ir') await ir(rest, io)
    else if (command === 'pull') return await pullCommand(rest, io)
    else if (command === 'openapi') await openapi(rest, io)
    else if (command === undefined || command === '-h' || command === '--help') {
      io.stdout(USAGE)
      return command === undefined ? 2 : 0
    } else throw new UsageError(`unknown command '${command}'`)
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`mizan: ${error.message}\n${USAGE}`)
      return 2
    }
    if (error instanceof IrError || error instanceof PullError || error instanceof ConfigError || (error instanceof Error && 'code' in error && error.code === 'ENOENT')) {
      io.stderr(`mizan: ${error.message}\n`)
      return 1
    }
    throw error
  }
}

const entry = process.argv[1]
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  process.exitCode = await main(process.argv.slice(2))
}
