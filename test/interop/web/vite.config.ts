/**
 * Vite config of the interop page. The browser test (test/interop/live/browser.test.ts) builds
 * it into a temp dir and serves it with `vite preview`, proxying /api/izana and /ws to the live
 * Python backend. By hand: IZANA_BACKEND_URL=http://127.0.0.1:<port> npx vite test/interop/web
 */
import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig, type ProxyOptions } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

/** Same origin for page and API, so Django's csrftoken cookie is readable by the page. */
export function izanaProxy(target: string): Record<string, ProxyOptions> {
  return {
    '/api/izana': { target, changeOrigin: false },
    '/ws': { target, ws: true, changeOrigin: false },
  }
}

const backend = process.env['IZANA_BACKEND_URL'] ?? 'http://127.0.0.1:8000'

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  // Under a test runner NODE_ENV is `test`, so React's development build is bundled (bigger, louder).
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2_000 },
  server: { host: '127.0.0.1', proxy: izanaProxy(backend) },
  preview: { host: '127.0.0.1', proxy: izanaProxy(backend) },
})
