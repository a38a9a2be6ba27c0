/**
 * Equivalent N-function routers for Mizan, tRPC and oRPC, and a small client for each that
 * calls some of the functions and uses their typed results. Every function has its own input
 * object schema (so N distinct types, as in a real app) and returns an object built from it.
 * Pure string generation, no dependencies: the budget test imports it too.
 */
export type Framework = 'mizan' | 'trpc' | 'orpc'
/** The same schemas and handlers with no framework at all: what Zod and the handlers cost alone. */
export type Subject = Framework | 'zod'

/**
 * How the generated files import Mizan: `mizanRoot` is either the package name, `'mizan-ts'`
 * (its exports map gives TypeScript the declaration files of dist/types, as any consumer of the
 * package gets them), or a path to this repo's src/ (the budget test checks the source itself).
 */
function mizanModule(mizanRoot: string, entry: 'server' | 'client'): string {
  return mizanRoot === 'mizan-ts' ? `mizan-ts/${entry}` : `${mizanRoot}/${entry}/index.ts`
}

/** The functions the client calls: first, a few spread out, last. */
export function calledIndexes(n: number): number[] {
  const picks = new Set([0, 1, Math.floor(n / 4), Math.floor(n / 3), Math.floor(n / 2), Math.floor((2 * n) / 3), Math.floor((3 * n) / 4), n - 2, n - 1])
  return [...picks].filter((i) => i >= 0 && i < n).sort((a, b) => a - b)
}

const inputSchema = (i: number) => `z.object({ id: z.number(), q${i}: z.string().optional(), flag: z.boolean().default(false) })`
const output = (i: number) => `({ id: input.id, label: 'fn${i}' as const, flag: input.flag })`

/**
 * The floor (`'zod'`): each function is its schema and its handler, typed by the cheapest route
 * there is (the schema's own `_zod.output`), and the client passes each call its function; no
 * router type, no key unions.
 */
const FLOOR_HELPERS = [
  'export interface Fn<S, R> { schema: S; result: R }',
  "export function fn<S extends { _zod: { output: unknown } }, R>(schema: S, handler: (input: S['_zod']['output']) => R): Fn<S, R> {",
  '  return { schema, result: undefined as R } // types only: never run',
  '}',
]

/** `mizanRoot`: `'mizan-ts'`, or the import path of this repo's src/ from the generated file's folder. */
export function routerSource(fw: Subject, n: number, mizanRoot = 'mizan-ts'): string {
  const lines: string[] = ["import { z } from 'zod'"]
  if (fw === 'zod') {
    lines.push(...FLOOR_HELPERS, 'export const router = {')
    for (let i = 0; i < n; i++) lines.push(`  fn${i}: fn(${inputSchema(i)}, (input) => ${output(i)}),`)
    lines.push('}')
  } else if (fw === 'mizan') {
    lines.push(`import { createMizan } from '${mizanModule(mizanRoot, 'server')}'`, 'const { defineClient, createRouter } = createMizan()', 'export const router = createRouter({')
    for (let i = 0; i < n; i++) lines.push(`  fn${i}: defineClient({ input: ${inputSchema(i)} }, (input) => ${output(i)}),`)
    lines.push('})')
  } else if (fw === 'trpc') {
    lines.push("import { initTRPC } from '@trpc/server'", 'const t = initTRPC.create()', 'export const router = t.router({')
    for (let i = 0; i < n; i++) lines.push(`  fn${i}: t.procedure.input(${inputSchema(i)}).mutation(({ input }) => ${output(i)}),`)
    lines.push('})')
  } else {
    lines.push("import { os } from '@orpc/server'", 'export const router = {')
    for (let i = 0; i < n; i++) lines.push(`  fn${i}: os.input(${inputSchema(i)}).handler(({ input }) => ${output(i)}),`)
    lines.push('}')
  }
  lines.push('export type AppRouter = typeof router', '')
  return lines.join('\n')
}

export function clientSource(fw: Subject, n: number, mizanRoot = 'mizan-ts'): string {
  const calls = calledIndexes(n)
  const lines: string[] = ["import type { AppRouter } from './router.ts'"]
  if (fw === 'zod') {
    lines.push(
      "import type { Fn } from './router.ts'",
      'declare const router: AppRouter',
      "declare function call<S extends { _zod: { input: unknown } }, R>(fn: Fn<S, R>, input: S['_zod']['input']): Promise<R>",
    )
  } else if (fw === 'mizan') {
    lines.push(`import { createMizanClient } from '${mizanModule(mizanRoot, 'client')}'`, "const client = createMizanClient<AppRouter>({ baseUrl: 'http://127.0.0.1:3000/api/mizan', csrf: false })")
  } else if (fw === 'trpc') {
    lines.push("import { createTRPCClient, httpLink } from '@trpc/client'", "const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: 'http://127.0.0.1:3000' })] })")
  } else {
    lines.push(
      "import { createORPCClient } from '@orpc/client'",
      "import { RPCLink } from '@orpc/client/fetch'",
      "import type { RouterClient } from '@orpc/server'",
      "const client: RouterClient<AppRouter> = createORPCClient(new RPCLink({ url: 'http://127.0.0.1:3000/rpc' }))",
    )
  }
  lines.push('export async function main(): Promise<number> {', '  let total = 0')
  for (const i of calls) {
    const call =
      fw === 'zod'
        ? `await call(router.fn${i}, { id: ${i} })`
        : fw === 'mizan'
          ? `(await client.call('fn${i}', { id: ${i} })).result`
          : fw === 'trpc'
            ? `await client.fn${i}.mutate({ id: ${i} })`
            : `await client.fn${i}({ id: ${i} })`
    lines.push(`  const r${i} = ${call}`, `  const l${i}: 'fn${i}' = r${i}.label`, `  total += r${i}.id + (r${i}.flag ? 1 : 0) + l${i}.length`)
  }
  lines.push('  return total', '}', '')
  return lines.join('\n')
}

/** The same compiler options as the repo's tsconfig, for every framework. */
export const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    strict: true,
    noUncheckedIndexedAccess: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ['node'],
    noEmit: true,
  },
  files: ['router.ts', 'client.ts'],
}
