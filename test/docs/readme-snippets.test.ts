/**
 * The TypeScript blocks of the README and docs/GUIDE.md compile. Each block becomes a file of a
 * small app, after a prelude that declares only what the block leaves out (a `db`, a `sessions`
 * store, the router of the tour, the globals of Bun and Deno), and the app is type-checked
 * against this repo's entry points as `mizan-ts/*`. A block is named by its heading (`#2`, `#3`
 * for later blocks under the same one); a block with no prelude here fails the test, so a new
 * snippet is checked from the start.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { sourceOf } from '../../scripts/package-exports.mjs'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
// Under the repo's node_modules, so the app resolves zod, react and the rest from there.
const APP = `${REPO}node_modules/.cache/mizan-readme/`

interface Snippet {
  heading: string
  lang: string
  code: string
}

/** Fenced ts/tsx blocks, each with the heading it sits under (`#n` for the n-th under one heading). */
function snippetsOf(markdown: string): Snippet[] {
  const out: Snippet[] = []
  const seen = new Map<string, number>()
  let heading = ''
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (/^#{2,3} /.test(line)) heading = line.replace(/^#+ /, '')
    const fence = /^```(ts|tsx)\s*$/.exec(line)
    if (!fence) continue
    const end = lines.indexOf('```', i + 1)
    const n = (seen.get(heading) ?? 0) + 1
    seen.set(heading, n)
    out.push({ heading: n === 1 ? heading : `${heading}#${n}`, lang: fence[1] ?? 'ts', code: lines.slice(i + 1, end).join('\n') })
    i = end
  }
  return out
}

const USER = '{ id: number; isStaff: boolean; isSuperuser: boolean }'
const SESSIONS = `declare const sessions: { userFrom(source: Headers | string | null): ${USER} | null }`

/** Per heading: the file the block becomes, and what it needs declared around it. */
const ROUTER = "import { router } from '../server/router'"
const PRELUDES: Record<string, { file: string; prelude: string }> = {
  // README.md
  'Quick start': { file: 'quick/server.ts', prelude: '' },
  'Quick start#2': { file: 'quick/app.tsx', prelude: '' },
  "Node's http server": { file: 'adapters/node.ts', prelude: ROUTER },
  'Express (or Connect)': { file: 'adapters/express.ts', prelude: ROUTER },
  'Fetch API: Hono': { file: 'adapters/hono.ts', prelude: ROUTER },
  'Next.js route handler': { file: 'adapters/next.ts', prelude: ROUTER },
  Bun: {
    file: 'adapters/bun.ts',
    prelude: `${ROUTER}\ndeclare const Bun: { serve(options: { port: number; fetch: (request: Request) => Promise<Response> }): unknown }`,
  },
  Deno: {
    file: 'adapters/deno.ts',
    prelude: `${ROUTER}\ndeclare const Deno: { serve(options: { port: number }, handler: (request: Request) => Promise<Response>): unknown }`,
  },
  'Cloudflare Workers': { file: 'adapters/worker.ts', prelude: ROUTER },
  'Auth and sessions': { file: 'auth-recipe.ts', prelude: '' },
  'Auth and sessions#2': { file: 'auth-better-auth.ts', prelude: '' },
  'Auth and sessions#3': { file: 'auth-authjs.ts', prelude: '' },
  // docs/GUIDE.md
  '1. Declare server functions': {
    file: 'server/router.ts',
    prelude: `type Row = { user_id: number; name: string }
declare const db: {
  profile(userId: number): Row
  posts(userId: number, limit: number): { id: number; title: string }[]
  update(input: Row): Row
  rename(input: Row): Row
}`,
  },
  '2. Serve them': { file: 'serve.ts', prelude: `import { router } from './server/router'\n${SESSIONS}` },
  '3. Use them from React': { file: 'web/app.tsx', prelude: '' },
  'Opt-in parts': { file: 'web/plugins.ts', prelude: "import { createMizanReact } from 'mizan-ts/react'\nimport type { AppRouter } from '../server/router'" },
  'Auth, identity tokens and the cache': {
    file: 'auth.ts',
    prelude: `import { createNodeHandler } from 'mizan-ts/adapters/node'\nimport { router } from './server/router'\n${SESSIONS}\ndeclare const oldSecret: string`,
  },
  'WebSockets and channels': {
    file: 'websocket.ts',
    prelude: `import { createServer } from 'node:http'
import { createNodeHandler } from 'mizan-ts/adapters/node'
import type { MizanRequest } from 'mizan-ts/server'
import { router } from './server/router'
${SESSIONS}
const resolveUser = (req: MizanRequest) => sessions.userFrom(req.headers)`,
  },
  'Forms and server-side rendering': {
    file: 'forms.ts',
    prelude: `import { z } from 'zod'
import { createRouter, defineForm } from 'mizan-ts/server'
import { createMizanReact } from 'mizan-ts/react'
declare const inbox: { add(values: { name: string; email: string; topic: 'sales' | 'support' }): void }
// The router the block's \`contact\` form sits in (a type only: the block defines the form).
declare const mizan: ReturnType<typeof createMizanReact<ReturnType<typeof createRouter<{ contact: typeof contact }>>>>`,
  },
}

const ENTRY_POINTS = (JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { exports: Record<string, unknown> }).exports

/** Type-check the files with the repo's strictness, `mizan-ts/*` mapped to the repo's sources. */
function diagnosticsOf(files: Record<string, string>): string[] {
  rmSync(APP, { recursive: true, force: true })
  // The app's own package scope, so `mizan-ts/...` is not the repo importing itself.
  mkdirSync(APP, { recursive: true })
  writeFileSync(`${APP}package.json`, JSON.stringify({ name: 'readme-app', private: true, type: 'module' }))
  // Hono is not a dependency here: the part of its API the README's block uses.
  files['hono.d.ts'] = `declare module 'hono' {
  export class Hono {
    all(path: string, handler: (c: { req: { raw: Request } }) => Response | Promise<Response>): this
  }
}`
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(`${APP}${file}`.replace(/[^/]+$/, ''), { recursive: true })
    writeFileSync(`${APP}${file}`, text)
  }
  const paths = Object.fromEntries(Object.entries(ENTRY_POINTS).map(([entry, target]) => [entry.replace(/^\./, 'mizan-ts'), [`${REPO}${sourceOf(target)!.replace(/^\.\//, '')}`]]))
  const program = ts.createProgram(
    Object.keys(files).map((file) => `${APP}${file}`),
    {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      jsx: ts.JsxEmit.ReactJSX,
      strict: true,
      noUncheckedIndexedAccess: true,
      allowImportingTsExtensions: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [`${REPO}node_modules/@types`],
      noEmit: true,
      paths,
    },
  )
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.replace(APP, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : ''
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
}

describe('README and guide code blocks', () => {
  const snippets = [...snippetsOf(readFileSync(`${REPO}README.md`, 'utf8')), ...snippetsOf(readFileSync(`${REPO}docs/GUIDE.md`, 'utf8'))]

  it('each ts/tsx block has its prelude here', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(17)
    expect(snippets.map((s) => s.heading).filter((heading) => !PRELUDES[heading])).toEqual([])
  })

  it('type-check as an app, and a wrong one would not', () => {
    const files: Record<string, string> = {}
    for (const { heading, lang, code } of snippets) {
      const entry = PRELUDES[heading]
      if (!entry) continue
      expect(entry.file.endsWith(lang === 'tsx' ? '.tsx' : '.ts')).toBe(true)
      files[entry.file] = `${entry.prelude}\n${code}\n`
    }
    // The control: a handler that ignores its schema's type must be reported, or the check checks nothing.
    files['control.ts'] = "import { z } from 'zod'\nimport { defineClient } from 'mizan-ts/server'\nexport const bad = defineClient({ input: z.object({ n: z.number() }) }, ({ n }) => n.toUpperCase())\n"
    const diagnostics = diagnosticsOf(files)
    expect(diagnostics.filter((d) => !d.startsWith('control.ts'))).toEqual([])
    expect(diagnostics.filter((d) => d.startsWith('control.ts:3 TS2339'))).toHaveLength(1)
  }, 120_000)
})
