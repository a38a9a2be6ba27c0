/**
 * `GET /ssr`: the page rendered on the server with its data already in it. Who is asking comes
 * from the session cookie, as for the API; the data comes from the router in-process
 * (createCaller, no HTTP hop); React streams into the built `ssr.html` shell, whose head gets
 * the page's `__MIZAN_SSR_DATA__` (the global bundle) and the dehydrated cache.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { prefetchForSSR, renderMizanToPipeableStream } from 'mizan-ts/ssr'
import { SsrApp, type SsrProps } from '../web/ssr-app.tsx'
import { router } from './router.ts'
import { userFromHeaders } from './session.ts'

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else if (value !== undefined) headers.set(name, value)
  }
  return headers
}

export async function renderSsrPage(req: IncomingMessage, res: ServerResponse, distDir: string): Promise<void> {
  const template = await readFile(join(distDir, 'ssr.html'), 'utf8')
  const headers = headersOf(req)
  const user = await userFromHeaders(headers)
  const props: SsrProps = { userId: user?.id ?? 1 }
  const page = await prefetchForSSR({
    router,
    user,
    headers,
    // `global` is prefetched by default; this page also shows one `user` bundle and the contact form.
    contexts: [{ context: 'user', params: { user_id: props.userId } }],
    forms: ['contact'],
    props,
  })
  for (const { target, error } of page.errors) console.warn(`[fullstack] /ssr could not prefetch ${target}: ${error.code} ${error.message}`)
  await new Promise<void>((resolve) => {
    const stream = renderMizanToPipeableStream(<SsrApp queryClient={page.queryClient} props={props} />, page, {
      template,
      onShellReady() {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
        stream.pipe(res)
        res.once('finish', resolve)
      },
      onShellError(error) {
        console.error('[fullstack] /ssr failed to render:', error)
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
        res.end('Server rendering failed')
        resolve()
      },
      onError(error) {
        console.error('[fullstack] /ssr render error:', error)
      },
    })
  })
}
