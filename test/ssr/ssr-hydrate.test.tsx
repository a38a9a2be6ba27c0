// @vitest-environment jsdom
/**
 * Browser side (jsdom): server markup plus the page's SSR globals hydrate the client with no
 * request for what was prefetched, the same way for a page written by a Python backend.
 * The real-browser version (Chromium, the fullstack example) is test/e2e/ssr.test.ts.
 */
import { QueryClient } from '@tanstack/react-query'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { hydrateRoot, type Root } from 'react-dom/client'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readSSRProps } from '../../src/client/react/ssr.ts'
import { prefetchForSSR, renderMizanToString, type MizanSSRPage } from '../../src/server/ssr/index.ts'
import { createTestServer, jsonResponse, type RecordedRequest } from '../client/test-server.ts'
import { USERS } from '../fixtures/app-router.ts'
import { formsRouter, inboxes } from '../forms/forms-router.ts'
import { App, contactForm, mizan } from './ssr-app.tsx'

const GLOBALS = ['__MIZAN_SSR_DATA__', '__MIZAN_SSR_PROPS__', '__MIZAN_SSR_STATE__', '__IZANA_SSR_DATA__', '__IZANA_SSR_PROPS__']
let root: Root | undefined

beforeEach(() => inboxes.reset())
afterEach(() => {
  act(() => root?.unmount())
  root = undefined
  cleanup()
  document.body.innerHTML = ''
  for (const name of GLOBALS) delete (window as unknown as Record<string, unknown>)[name]
  vi.restoreAllMocks()
})

const describeRequest = (r: RecordedRequest) => `${r.method} ${r.path}${r.body?.['fn'] ? ` ${String(r.body['fn'])}` : ''}`

/** Server render and page script, as a browser receives them; the script runs as an inline script would. */
async function serverRenderedPage(): Promise<{ page: MizanSSRPage; container: HTMLElement }> {
  const page = await prefetchForSSR({
    router: formsRouter,
    user: USERS['alice'],
    contexts: [{ context: 'inbox', params: { user_id: 1 } }],
    calls: [{ call: 'recentSenders', args: { user_id: 1 } }],
    forms: ['contact'],
  })
  const html = renderMizanToString(<App queryClient={page.queryClient} />, page)
  document.body.innerHTML = `<div id="root">${html}</div>`
  new Function(page.scriptContent())()
  return { page, container: document.getElementById('root')! }
}

describe('hydrating a page our server rendered', () => {
  it('the first render makes no request, keeps the server DOM, and a later submit still invalidates', async () => {
    const { container } = await serverRenderedPage()
    const server = createTestServer({ csrf: false }, formsRouter)
    const consoleErrors = vi.spyOn(console, 'error')
    const recoverable: unknown[] = []
    const serverNode = container.querySelector('[data-testid="inbox"]')
    expect(serverNode?.textContent).toBe('inbox: 0')

    await act(async () => {
      root = hydrateRoot(container, <App queryClient={new QueryClient()} fetch={server.fetch} />, {
        onRecoverableError: (error) => recoverable.push(error),
      })
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(server.requests.map(describeRequest)).toEqual([])
    // Hydrated in place: a mismatch would have made React re-create the nodes.
    expect(container.querySelector('[data-testid="inbox"]')).toBe(serverNode)
    expect(recoverable).toEqual([])
    expect(consoleErrors).not.toHaveBeenCalled()
    expect(screen.getByTestId('me').textContent).toBe('Signed in as alice')
    expect(screen.getByTestId('fields').textContent).toContain('Email')

    act(() => contactForm!.setValues({ name: 'Ada', email: 'ada@example.com', topic: 'support', message: 'Hello there, team!' }))
    expect(await act(() => contactForm!.submit())).toMatchObject({ ok: true })
    await waitFor(() => expect(screen.getByTestId('inbox').textContent).toBe('inbox: 1'))
    await waitFor(() => expect(screen.getByTestId('senders').textContent).toBe('from: Ada'))
    expect(server.requests.map(describeRequest).sort()).toEqual([
      'GET /api/mizan/ctx/inbox/?user_id=1',
      'POST /api/mizan/call/ contact.submit',
      'POST /api/mizan/call/ recent_senders',
    ])
  })

  it('under StrictMode too', async () => {
    const { container } = await serverRenderedPage()
    const server = createTestServer({ csrf: false }, formsRouter)
    const consoleErrors = vi.spyOn(console, 'error')
    await act(async () => {
      root = hydrateRoot(
        container,
        <StrictMode>
          <App queryClient={new QueryClient()} fetch={server.fetch} />
        </StrictMode>,
      )
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(server.requests).toEqual([])
    expect(consoleErrors).not.toHaveBeenCalled()
  })

  it('page data seeds one client once: a client made later fetches for itself', async () => {
    await serverRenderedPage()
    document.body.innerHTML = ''
    const server = createTestServer({ csrf: false }, formsRouter)
    const first = render(<App queryClient={new QueryClient()} fetch={server.fetch} />)
    expect(screen.getByTestId('me').textContent).toBe('Signed in as alice')
    first.unmount()
    render(<App queryClient={new QueryClient()} fetch={server.fetch} />)
    expect(screen.getByText('loading global')).toBeTruthy()
    expect(await screen.findByTestId('me')).toBeTruthy()
    expect(server.requests.map(describeRequest)).toContain('GET /api/mizan/ctx/global/')
  })
})

describe('a page rendered by a Python backend', () => {
  function Me() {
    const me = mizan.useCurrentUser()
    return <p data-testid="me">{me ? `Signed in as ${me.username}` : 'anonymous'}</p>
  }

  function recordingFetch() {
    const requests: string[] = []
    const fetch = async (url: string) => {
      requests.push(url)
      return jsonResponse(500, { error: true, code: 'INTERNAL_ERROR', message: 'not expected' })
    }
    return { requests, fetch }
  }

  it('window.__IZANA_SSR_DATA__ (izana.ssr output) hydrates our client with no global request', async () => {
    // Byte for byte what izana.ssr emits: json.dumps(sort_keys=True), Python's separators,
    // ensure_ascii, and <, >, & as \u003c, \u003e, \u0026.
    const pythonScript =
      'window.__IZANA_SSR_PROPS__={"page": "inbox"};' +
      'window.__IZANA_SSR_DATA__={"current_user": {"id": 1, "username": "al\\u00efce \\u003cadmin\\u003e \\u0026 co"}};'
    document.body.innerHTML = '<div id="root"><p data-testid="me">Signed in as alïce &lt;admin&gt; &amp; co</p></div>'
    new Function(pythonScript)()
    const { requests, fetch } = recordingFetch()
    const container = document.getElementById('root')!
    const serverNode = container.firstChild
    const consoleErrors = vi.spyOn(console, 'error')
    await act(async () => {
      root = hydrateRoot(
        container,
        <mizan.MizanContext baseUrl="/api/izana" client={{ dialect: 'izana', fetch, csrf: false }} fallback={<p>loading global</p>}>
          <Me />
        </mizan.MizanContext>,
      )
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(requests).toEqual([])
    expect(container.firstChild).toBe(serverNode)
    expect(screen.getByTestId('me').textContent).toBe('Signed in as alïce <admin> & co')
    expect(consoleErrors).not.toHaveBeenCalled()
    expect(readSSRProps('izana')).toEqual({ page: 'inbox' })
  })

  it('each dialect reads its own spelling: a Mizan client ignores the Izana global', async () => {
    new Function('window.__IZANA_SSR_DATA__={"current_user": null};')()
    const { requests, fetch } = recordingFetch()
    render(
      <mizan.MizanContext baseUrl="/api/mizan" client={{ fetch, csrf: false, retry: { context: 0 } }} fallback={<p>loading global</p>} errorFallback={<p>failed</p>}>
        <Me />
      </mizan.MizanContext>,
    )
    expect(screen.getByText('loading global')).toBeTruthy()
    await screen.findByText('failed')
    expect(requests).toEqual(['/api/mizan/ctx/global/'])
  })

  it('ssr={false} opts out of reading the page', async () => {
    new Function('window.__MIZAN_SSR_DATA__={"current_user": null};')()
    const { requests, fetch } = recordingFetch()
    render(
      <mizan.MizanContext baseUrl="/api/mizan" ssr={false} client={{ fetch, csrf: false, retry: { context: 0 } }} errorFallback={<p>failed</p>}>
        <Me />
      </mizan.MizanContext>,
    )
    await screen.findByText('failed')
    expect(requests).toEqual(['/api/mizan/ctx/global/'])
  })
})
