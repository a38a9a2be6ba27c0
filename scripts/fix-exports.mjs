#!/usr/bin/env node
/**
 * Rewrites every entry of package.json's exports map into the form scripts/package-exports.mjs
 * states, from its source file: an entry added as `{ "types": …, "default": "./src/x.ts" }` or as a
 * bare `"./src/x.ts"` becomes `{ "mizan-source": "./src/x.ts", "types": "./dist/x.d.ts",
 * "default": "./dist/x.js" }`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportProblems, sourceOf, targetFor } from './package-exports.mjs'

const path = join(fileURLToPath(new URL('..', import.meta.url)), 'package.json')
const manifest = JSON.parse(readFileSync(path, 'utf8'))
const fixed = exportProblems(manifest).filter(({ name }) => sourceOf(manifest.exports[name]))
for (const { name } of fixed) manifest.exports[name] = targetFor(sourceOf(manifest.exports[name]))
writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n')
console.log(fixed.length ? `fixed: ${fixed.map(({ name }) => name).join(', ')}` : 'exports map already in form')
