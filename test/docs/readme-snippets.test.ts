/**
 * The README's TypeScript blocks compile. Each block becomes a file of a small app, after a
 * prelude that declares only what the block leaves out (a `db`, a `sessions` store, the router
 * of the tour), and the app is type-checked against this repo's entry points as `mizan-ts/*`.
 * A block with no prelude here fails the test, so a new snippet is checked from the start.
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

/** Fenced ts/tsx blocks, each with the heading it sits under. */
function snippetsOf(markdown: string): Snippet[] {
  const out: Snippet[] = []
  let heading = ''
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (/^#{2,3} /.test(line)) heading = line.replace(/^#+ /, '')
    const fence = /^```(ts|tsx)\s*$/.exec(line)
    if (!fence) continue
    const end = lines.indexOf('```', i + 1)
    out.push({ heading, lang: fence[1] ?? 'ts', code: lines.slice(i + 1, end).join('\n') })
    i = end
  }
  return out
}

const USER = '{ id: number; isStaff: boolean; isSuperuser: boolean }'
const SESSIONS = `declare const sessions: { userFrom(source: Headers | string | null): ${USER} | null }`

/** Per heading: the file the block becomes, and what it needs declared around it. */
const PRELUDES: Record<string, { file: string; prelude: string }> = {
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

describe('README code blocks', () => {
  const snippets = snippetsOf(readFileSync(`${REPO}README.md`, 'utf8'))

  it('each ts/tsx block has its prelude here', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(7)
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
