/**
 * The TypeScript compilers the project supports are the ones a package.json installs:
 * `typescript` and each npm alias of it (`"typescript-7": "npm:typescript@^7.0.2"`). The root's
 * `npm run typecheck`, the declarations test and the bench all read the list from there, so
 * supporting one more compiler is one line in package.json (and its pin in bench/package.json).
 */
import { readFileSync } from 'node:fs'

interface Manifest {
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

/** The first `major.minor` a dependency spec names (`^6.0.3`, `npm:typescript@^7.0.2`), for ordering. */
function declaredVersion(spec: string): [number, number] {
  const match = /(\d+)\.(\d+)/.exec(spec)
  return match ? [Number(match[1]), Number(match[2])] : [0, 0]
}

/** The compilers the manifest installs, oldest first: package name and the `major.minor` it asks for. */
export function typescriptCompilers(manifestPath: string): { name: string; version: string }[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest
  const specs: Record<string, string> = { ...manifest.dependencies, ...manifest.devDependencies }
  return Object.keys(specs)
    .filter((name) => name === 'typescript' || specs[name]?.startsWith('npm:typescript@'))
    .map((name) => ({ name, declared: declaredVersion(specs[name] ?? '') }))
    .sort((a, b) => a.declared[0] - b.declared[0] || a.declared[1] - b.declared[1])
    .map(({ name, declared }) => ({ name, version: declared.join('.') }))
}

/** Package names of the compilers the manifest installs, oldest first. */
export function typescriptPackages(manifestPath: string): string[] {
  return typescriptCompilers(manifestPath).map((compiler) => compiler.name)
}

/** The installed version of a compiler package, read from the node_modules it sits in. */
export function installedVersion(nodeModules: string, name: string): string {
  return (JSON.parse(readFileSync(`${nodeModules}/${name}/package.json`, 'utf8')) as { version: string }).version
}
