import { request } from 'node:http'

export interface RawResponse {
  status: number
  headers: Headers
  text: string
}

/** A request exactly as written (no URL normalization, any bytes), over a fresh connection. */
export function rawRequest(base: string, init: { method?: string; path: string; headers?: Record<string, string>; body?: string | Uint8Array }): Promise<RawResponse> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: init.method ?? 'GET', path: init.path, headers: { connection: 'close', ...init.headers } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const headers = new Headers()
          for (const [k, v] of Object.entries(res.headers)) for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, item)
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') })
        })
      },
    )
    req.on('error', reject)
    if (init.body !== undefined) req.end(init.body)
    else req.end()
  })
}
