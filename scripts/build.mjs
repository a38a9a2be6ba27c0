#!/usr/bin/env node
/**
 * `npm run build`: dist/ from src/ with the repository's own TypeScript (ESM .js, .d.ts and
 * source maps for every file), then checks that every exports entry's built files exist, so an
 * entry added to package.json is built and checked without touching this script.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportProblems } from './package-exports.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const problems = exportProblems(manifest)
if (problems.length) {
  for (const { name, message } of problems) console.error(`package.json exports["${name}"] ${message}`)
  console.error("run `node scripts/fix-exports.mjs` to rewrite them from their source files")
  process.exit(1)
}

rmSync(join(root, 'dist'), { recursive: true, force: true })
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root })
} catch {
  process.exit(1) // tsc printed why
}

// tsc rewrites `./x.ts` to `./x.js` in the JavaScript it emits but keeps `.ts` in declaration
// files; a `.js` specifier there resolves under every moduleResolution a user may pick.
function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else yield path
  }
}
for (const file of files(join(root, 'dist'))) {
  if (!file.endsWith('.d.ts')) continue
  const text = readFileSync(file, 'utf8')
  const rewritten = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.tsx?(['"])/g, '$1$2.js$3')
  if (rewritten !== text) writeFileSync(file, rewritten)
}

const missing = []
for (const [name, target] of Object.entries(manifest.exports)) {
  for (const [condition, path] of Object.entries(target)) if (condition !== 'mizan-source' && !existsSync(join(root, path))) missing.push(`${name} (${condition}): ${path}`)
}
for (const bin of Object.values(manifest.bin ?? {})) {
  if (!existsSync(join(root, bin))) missing.push(`bin: ${bin}`)
  else chmodSync(join(root, bin), 0o755)
}
if (missing.length) {
  console.error(`built files missing:\n  ${missing.join('\n  ')}`)
  process.exit(1)
}
console.log(`dist/ built: ${Object.keys(manifest.exports).length} entry points`)
