import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { bundle, EXTERNAL } from '../gen/bundle.ts'
import { row, type Goal, type ScenarioResult } from '../lib/report.ts'

const app = (name: string) => fileURLToPath(new URL(`../apps/${name}`, import.meta.url))

export async function runBundle(): Promise<ScenarioResult> {
  const entries = [
    ['Mizan app (createMizanReact)', 'mizan-app.tsx'],
    ['tRPC 11 app (@trpc/tanstack-react-query)', 'trpc-app.tsx'],
    ['oRPC app (@orpc/tanstack-query)', 'orpc-app.tsx'],
    ['Mizan library: kernel + React layer, whole surface', 'mizan-lib.ts'],
    ['Mizan library: kernel alone, whole surface', 'mizan-kernel.ts'],
  ] as const
  const rows = []
  const got: Record<string, { gzip: number; brotli: number; raw: number }> = {}
  for (const [label, file] of entries) {
    const s = await bundle(build as never, app(file))
    got[file] = s
    rows.push(row('bundle', label, 'gzip', 'bytes', [s.gzip], `raw ${(s.raw / 1024).toFixed(1)} kB, brotli ${(s.brotli / 1024).toFixed(2)} kB`))
  }
  const ours = got['mizan-app.tsx']!.gzip
  const goals: Goal[] = [
    {
      id: 'bundle-app',
      measure: 'Client bundle, gzip (Mizan app: kernel + React layer)',
      target: '≤ 5 kB',
      value: ours,
      met: ours <= 5 * 1024,
      note: `tRPC app ${(got['trpc-app.tsx']!.gzip / 1024).toFixed(2)} kB, oRPC app ${(got['orpc-app.tsx']!.gzip / 1024).toFixed(2)} kB`,
    },
  ]
  return {
    id: 'bundle',
    title: 'Client bundle (esbuild, minified ESM, production)',
    settings: { external: EXTERNAL },
    rows,
    goals,
    notes: [
      `External in every bundle: ${EXTERNAL.join(', ')}. The same app on each: a query reading the 10-member dash data, a mutation that invalidates it, the provider setup.`,
      `For comparison in the same app: Mizan ${(ours / 1024).toFixed(2)} kB, tRPC ${(got['trpc-app.tsx']!.gzip / 1024).toFixed(2)} kB, oRPC ${(got['orpc-app.tsx']!.gzip / 1024).toFixed(2)} kB gzip.`,
    ],
  }
}
