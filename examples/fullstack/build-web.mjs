/**
 * Builds the web app with Vite's JS API when its output is missing or older than any source
 * it bundles (the web folder, the example's shared schemas, and the client runtime in
 * src/client and src/shared).
 */
import { readdir, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const here = fileURLToPath(new URL('.', import.meta.url))
export const webDir = join(here, 'web')
export const distDir = join(webDir, 'dist')
const repoRoot = join(here, '..', '..')
// `shared/` holds what both halves import (the contact form's Zod schema).
const sourceDirs = [webDir, join(here, 'shared'), join(repoRoot, 'src', 'client'), join(repoRoot, 'src', 'shared')]

async function newestMtime(dir) {
  let newest = 0
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (path === distDir || entry.name === 'node_modules') continue
      newest = Math.max(newest, await newestMtime(path))
    } else {
      newest = Math.max(newest, (await stat(path)).mtimeMs)
    }
  }
  return newest
}

export async function isBuildStale() {
  const built = await stat(join(distDir, 'index.html')).catch(() => null)
  if (!built) return true
  const sources = await Promise.all(sourceDirs.map(newestMtime))
  return Math.max(...sources) > built.mtimeMs
}

/** @param {{ force?: boolean, log?: (line: string) => void }} [options] */
export async function buildWeb({ force = false, log = console.log } = {}) {
  if (!force && !(await isBuildStale())) return false
  log('Building the web app with Vite…')
  const started = Date.now()
  // Imported lazily: a fresh build is the only time Vite needs loading at all.
  const { build } = await import('vite')
  // Vite honours an inherited NODE_ENV (a test runner sets `test`), which would ship React's
  // development build; this process only serves files afterwards, so pin it.
  process.env.NODE_ENV = 'production'
  await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' })
  log(`Built in ${Date.now() - started} ms → ${distDir}`)
  return true
}
