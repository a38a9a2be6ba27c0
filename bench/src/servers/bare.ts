/**
 * The floor: node:http with no framework doing the same work as every peer — read the body,
 * JSON.parse, validate with the same Zod schema, answer `{"result": <parsed>}`.
 */
import { createServer } from 'node:http'
import { EchoInput } from '../shared/payload.ts'
import type { Started } from './types.ts'

export function start(): Promise<Started> {
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/echo') {
      res.writeHead(404).end()
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        res.writeHead(400).end()
        return
      }
      const parsed = EchoInput.safeParse(body)
      if (!parsed.success) {
        res.writeHead(400).end()
        return
      }
      const out = JSON.stringify({ result: parsed.data })
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) })
      res.end(out)
    })
  })
  return listen(server)
}

export function listen(server: import('node:http').Server): Promise<Started> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      resolve({ port, server, close: () => new Promise<void>((r) => server.close(() => r())) })
    })
  })
}
