// The whole server: two functions, the Mizan API under /api/mizan/, and the built page from dist/.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join } from 'node:path'
import { z } from 'zod'
import { createMizan } from 'mizan-ts/server'
import { createNodeHandler } from 'mizan-ts/adapters/node'

const todos = ['Read the README']

const { defineClient, createRouter } = createMizan()

export const router = createRouter({
  // A member of the `global` context: the page loads it once, and again after anything affects it.
  todoList: defineClient({ context: 'global' }, () => ({ items: [...todos] })),
  addTodo: defineClient({ input: z.object({ text: z.string().min(1) }), affects: 'global' }, ({ text }) => {
    todos.push(text)
    return { count: todos.length }
  }),
})
export type AppRouter = typeof router

const api = createNodeHandler(router)
// `vite build` writes the page to dist/; run the server from this folder.
const page = 'dist'
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

const server = createServer((req, res) =>
  // Requests outside /api/mizan/ fall through to the page and its assets.
  api(req, res, async () => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = join(page, path === '/' ? 'index.html' : path.replaceAll('..', ''))
    const body = await readFile(file).catch(() => undefined)
    if (body) res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(body)
    else res.writeHead(404).end('Not found')
  }),
)
server.listen(Number(process.env['PORT'] ?? 3000), '127.0.0.1', () => {
  const address = server.address()
  console.log(`listening http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`)
})
