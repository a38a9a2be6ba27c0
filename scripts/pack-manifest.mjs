#!/usr/bin/env node
/**
 * prepack/postpack: the published package.json has no `mizan-source` condition (it points at
 * src/, which is not shipped, and publint rightly calls that an error). `strip` keeps the
 * original beside it; `restore` puts it back, so the repository's manifest is unchanged after
 * `npm pack` or `npm publish`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publishedManifest } from './package-exports.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const manifestPath = join(root, 'package.json')
const keptPath = join(root, 'package.json.prepack')
const command = process.argv[2]

if (command === 'strip') {
  // A copy left by a pack that failed half-way is the original: never overwrite it.
  if (!existsSync(keptPath)) writeFileSync(keptPath, readFileSync(manifestPath))
  const manifest = JSON.parse(readFileSync(keptPath, 'utf8'))
  writeFileSync(manifestPath, JSON.stringify(publishedManifest(manifest), null, 2) + '\n')
} else if (command === 'restore') {
  if (existsSync(keptPath)) renameSync(keptPath, manifestPath)
} else {
  console.error('usage: pack-manifest.mjs strip|restore')
  process.exit(2)
}
