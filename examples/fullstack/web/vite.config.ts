/**
 * Vite config for the web half. `npm start` builds with it and lets the node server serve
 * `dist/`; `node examples/fullstack/start.mjs --dev` runs Vite's dev server with this proxy.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultClientConditions, defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  plugins: [react()],
  // `mizan-ts/...` from src/ inside this repository (package.json's `mizan-source` condition);
  // where mizan-ts is installed, the condition names nothing and its dist/ is used.
  resolve: { conditions: ['mizan-source', ...defaultClientConditions] },
  // Absolute asset URLs: the server answers unknown page paths with index.html, which must
  // still find /assets/… from any depth.
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Two pages: the client-rendered directory, and the shell the server renders `/ssr` into.
    rollupOptions: { input: { index: join(root, 'index.html'), ssr: join(root, 'ssr.html') } },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      // Same origin in dev as in production, so session and CSRF cookies just work.
      '/api': { target: process.env['MIZAN_API_URL'] ?? 'http://127.0.0.1:3001', changeOrigin: false },
      // The Mizan WebSocket (channels, live invalidation) is served by the same API process.
      '/ws': { target: process.env['MIZAN_API_URL'] ?? 'http://127.0.0.1:3001', changeOrigin: false, ws: true },
    },
  },
})
