import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// `mizan-ts/...` imported by name inside this repository (the examples that tests start in-process)
// resolves to src/ (package.json's `mizan-source` condition); users get dist/. Only for the
// server-side environment: overriding the client one's conditions made jsdom tests resolve `ws`
// to its browser stub ("WebSocketServer is not a constructor").
const SOURCE = 'mizan-source'

export default defineConfig({
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions], externalConditions: [SOURCE] } },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts', 'src/**/*.test.tsx'],
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts', 'src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
      // typescript-6 and typescript-7 (npm aliases) also ship a `tsc` bin, so node_modules/.bin/tsc
      // may be either of them: name the baseline compiler's own.
      checker: './node_modules/typescript/bin/tsc',
    },
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Python venv, Chromium and Redis on a fresh machine (see the file).
    globalSetup: ['./test/setup/environment.ts'],
    reporters: ['default', './test/reporters/plain-summary.ts'],
  },
})
