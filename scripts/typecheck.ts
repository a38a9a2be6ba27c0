/**
 * `npm run typecheck`: the repository checked by every TypeScript the project supports (see
 * typescript-compilers.ts), oldest first, stopping at the first that reports errors.
 * `npm run typecheck -- typescript-7` checks with that one only.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { installedVersion, typescriptPackages } from './typescript-compilers.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const asked = process.argv.slice(2)
const compilers = typescriptPackages(`${root}package.json`).filter((name) => asked.length === 0 || asked.includes(name))
if (compilers.length === 0) {
  console.error(`no supported compiler among: ${asked.join(', ')}`)
  process.exit(2)
}
for (const name of compilers) {
  console.log(`> TypeScript ${installedVersion(`${root}node_modules`, name)} (${name}): tsc -p tsconfig.json --noEmit`)
  // Each package's own launcher by path: all of them ship a `tsc` bin, so node_modules/.bin/tsc may be any.
  const { status } = spawnSync(process.execPath, [`${root}node_modules/${name}/bin/tsc`, '-p', `${root}tsconfig.json`, '--noEmit'], { stdio: 'inherit' })
  if (status !== 0) process.exit(status ?? 1)
}
