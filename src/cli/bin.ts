#!/usr/bin/env node
/**
 * The `mizan` command as installed (dist/cli/bin.js, plain JavaScript). `mizan ir` imports the
 * app's router module; when that module is TypeScript and tsx (an optional peer dependency) is
 * installed, tsx's loader is registered first so Node can import it.
 */
export {}

const TYPESCRIPT_MODULE = /\.[cm]?tsx?$/

if (process.argv.slice(2).some((arg) => TYPESCRIPT_MODULE.test(arg))) {
  try {
    const { register } = await import('tsx/esm/api')
    register()
  } catch {
    // Node 22.18+ strips types itself; on older Node the import below names the file it could not load.
    process.emitWarning('mizan: loading a TypeScript module needs tsx on Node < 22.18 (npm install --save-dev tsx)')
  }
}

const { main } = await import('./mizan.ts')
process.exitCode = await main(process.argv.slice(2))
