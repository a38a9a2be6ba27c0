/**
 * Production client bundles, measured raw, gzip (level 9) and brotli (quality 11). esbuild is
 * passed in so the budget test can use the root's copy and the bench its own (same version).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

/** What the app brings itself; these the page already has (or, for zod, the client never needs). */
export const EXTERNAL = ['react', 'react/*', 'react-dom', 'react-dom/*', '@tanstack/react-query', '@tanstack/query-core', 'zod']

export interface BundleSize {
  raw: number
  gzip: number
  brotli: number
}

type BuildFn = (options: Record<string, unknown>) => Promise<{ outputFiles?: { path: string; contents: Uint8Array }[] }>

export function sizes(code: Uint8Array): BundleSize {
  return {
    raw: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).byteLength,
  }
}

/** An entry file, or source text resolved from `resolveDir` (e.g. `export * from '…/react/forms.ts'`). */
export type BundleEntry = string | { contents: string; resolveDir: string }

export async function bundle(build: BuildFn, entry: BundleEntry): Promise<BundleSize & { code: string }> {
  const result = await build({
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { ...entry, loader: 'tsx', sourcefile: 'entry.tsx' } }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    // `mizan-ts/...` by name resolves to src/, as in the repository's tests.
    conditions: ['mizan-source'],
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: EXTERNAL,
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  })
  const js = result.outputFiles?.find((f) => f.path.endsWith('.js'))
  if (!js) throw new Error(`esbuild produced no JS for ${typeof entry === 'string' ? entry : entry.contents}`)
  return { ...sizes(js.contents), code: new TextDecoder().decode(js.contents) }
}
