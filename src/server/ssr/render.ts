/**
 * Rendering a prefetched page: `renderToString` or the streaming `renderToPipeableStream`,
 * with the page's data script placed in the HTML shell, outside the React root.
 */
import type { ReactNode } from 'react'
import { renderToPipeableStream, renderToString, type RenderToPipeableStreamOptions } from 'react-dom/server'
import { Transform, type Writable } from 'node:stream'
import type { MizanSSRPage } from './prefetch.ts'

export const DEFAULT_OUTLET = '<!--ssr-outlet-->'

export interface MizanRenderOptions {
  /**
   * An HTML shell (e.g. the built `index.html`) with an `outlet` where the app's markup goes.
   * The data script goes right before `</head>` (or at the start when there is no head).
   * Without a template only the app's markup is produced: write `page.script()` yourself.
   */
  template?: string
  /** Default `<!--ssr-outlet-->`. */
  outlet?: string
  /** CSP nonce for the data script. */
  nonce?: string
}

/** The shell around the app: what comes before the outlet (data script included) and after it. */
export function splitTemplate(template: string, page: MizanSSRPage, options: Omit<MizanRenderOptions, 'template'> = {}): { before: string; after: string } {
  const outlet = options.outlet ?? DEFAULT_OUTLET
  const at = template.indexOf(outlet)
  if (at < 0) throw new Error(`SSR template has no outlet '${outlet}'`)
  const script = page.script({ nonce: options.nonce })
  let before = template.slice(0, at)
  const head = before.search(/<\/head\s*>/i)
  before = head >= 0 ? before.slice(0, head) + script + before.slice(head) : script + before
  return { before, after: template.slice(at + outlet.length) }
}

/**
 * `renderToString` of the app. With a `template`, the whole document: shell, data script,
 * markup. React Query renders from `page.queryClient`, which holds the prefetched data.
 */
export function renderMizanToString(element: ReactNode, page: MizanSSRPage, options: MizanRenderOptions = {}): string {
  const html = renderToString(element)
  if (options.template === undefined) return html
  const { before, after } = splitTemplate(options.template, page, options)
  return before + html + after
}

export interface MizanPipeableStream {
  /** Write the document (or only the app's markup, without a template) to `destination`, then end it. */
  pipe<W extends Writable>(destination: W): W
  abort(reason?: unknown): void
}

/**
 * The streaming renderer. Call `pipe(res)` from `onShellReady` (browsers) or `onAllReady`
 * (crawlers) as with React's own; the data is already complete, so the shell holds every
 * prefetched value and the data script goes out before the first byte of the app.
 */
export function renderMizanToPipeableStream(
  element: ReactNode,
  page: MizanSSRPage,
  options: MizanRenderOptions & RenderToPipeableStreamOptions = {},
): MizanPipeableStream {
  const { template, outlet, nonce, ...reactOptions } = options
  const stream = renderToPipeableStream(element, { nonce, ...reactOptions })
  return {
    abort: (reason) => stream.abort(reason),
    pipe(destination) {
      if (template === undefined) return stream.pipe(destination)
      const { before, after } = splitTemplate(template, page, { outlet, nonce })
      destination.write(before)
      const tail = new Transform({
        transform(chunk, _encoding, done) {
          done(null, chunk)
        },
        flush(done) {
          done(null, after)
        },
      })
      tail.pipe(destination)
      stream.pipe(tail)
      return destination
    },
  }
}
