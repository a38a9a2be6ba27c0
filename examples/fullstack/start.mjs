#!/usr/bin/env node
/**
 * `npm start`: build the web app if needed, then serve it and the Mizan API from one
 * process on 127.0.0.1. PORT picks the port (default 3000; a taken port falls back to a free
 * one; PORT=0 always picks a free one). `--dev` runs Vite's dev server (hot reload) in front
 * of the API instead of serving the build.
 *
 * The server is TypeScript; tsx's loader is registered here so plain `node` can run it.
 */
import { register as registerHooks } from 'node:module'
import { register } from 'tsx/esm/api'
import { buildWeb, distDir, webDir } from './build-web.mjs'
import { join } from 'node:path'

registerHooks('./source-condition.mjs', import.meta.url)
register()
const { startServer } = await import('./server/main.ts')

const dev = process.argv.includes('--dev')
const requested = process.env.PORT === undefined || process.env.PORT === '' ? 3000 : Number(process.env.PORT)
if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
  console.error(`PORT must be an integer from 0 to 65535, got '${process.env.PORT}'`)
  process.exit(1)
}

const closers = []
async function shutdown(code) {
  await Promise.allSettled(closers.map((close) => close()))
  process.exit(code)
}
process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))

try {
  if (dev) {
    // The API on its own port; Vite proxies /api to it so the browser sees one origin.
    const apiPort = requested === 0 || requested === 65535 ? 0 : requested + 1
    const api = await startServer({ port: apiPort, fallbackPort: true })
    closers.push(api.close)
    process.env.MIZAN_API_URL = api.url.replace(/\/$/, '')
    const { createServer } = await import('vite')
    const vite = await createServer({ configFile: join(webDir, 'vite.config.ts'), server: { port: requested, strictPort: false } })
    await vite.listen()
    closers.push(() => vite.close())
    const url = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${requested}/`
    console.log(`Mizan fullstack example (dev, API at ${api.url}): ${url}`)
  } else {
    await buildWeb()
    const app = await startServer({ port: requested, fallbackPort: true, staticDir: distDir })
    closers.push(app.close)
    const actual = Number(new URL(app.url).port)
    if (requested !== 0 && actual !== requested) console.log(`Port ${requested} is taken; using ${actual} instead.`)
    console.log(`Mizan fullstack example: ${app.url}`)
  }
} catch (error) {
  console.error('Could not start the example:', error)
  await shutdown(1)
}
