// Serves router.mjs on 127.0.0.1 with a free port and prints `listening <url>`: the node adapter
// on Node, the fetch adapter on Bun and Deno (each through its own server API).
import { createFetchHandler } from 'mizan-ts/adapters/fetch'
import { options, router } from './router.mjs'

if (globalThis.Bun) {
  const server = globalThis.Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: createFetchHandler(router, options) })
  console.log(`listening http://127.0.0.1:${server.port}`)
} else if (globalThis.Deno) {
  globalThis.Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`listening http://127.0.0.1:${port}`) }, createFetchHandler(router, options))
} else {
  const { createServer } = await import('node:http')
  const { createNodeHandler } = await import('mizan-ts/adapters/node')
  const server = createServer(createNodeHandler(router, options))
  server.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`))
}
