/**
 * Server side (Node environment): prefetch through createCaller, render with the data already
 * in the tree, and write the page's SSR globals the way the reference does.
 */
import { Writable } from 'node:stream'
import { runInNewContext } from 'node:vm'
import type { DehydratedState } from '@tanstack/react-query'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMizan } from '../../src/server/index.ts'
import { prefetchForSSR, renderMizanToPipeableStream, renderMizanToString, type MizanSSRPage, type SSRPrefetchOptions } from '../../src/server/ssr/index.ts'
import { USERS } from '../fixtures/app-router.ts'
import { formsRouter, inboxes, type FormsRouter } from '../forms/forms-router.ts'
import { App } from './ssr-app.tsx'

beforeEach(() => {
  inboxes.reset()
  inboxes.messages.set(1, [{ from: 'Grace <admin> & co', topic: 'support', message: 'Hi' }])
})

const TEMPLATE = '<!doctype html><html><head><title>t</title></head><body><div id="root"><!--ssr-outlet--></div><script type="module" src="/main.js"></script></body></html>'

function prefetchPage(extra: Partial<SSRPrefetchOptions<FormsRouter>> = {}) {
  return prefetchForSSR({
    router: formsRouter,
    user: USERS['alice'],
    contexts: [{ context: 'inbox', params: { user_id: 1 } }],
    calls: [{ call: 'recentSenders', args: { user_id: 1 } }],
    forms: ['contact'],
    ...extra,
  })
}

/** Runs the page's script the way a browser would, and returns the globals it set. */
function runScript(html: string): Record<string, unknown> {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!)
  expect(scripts).toHaveLength(1)
  const window: Record<string, unknown> = {}
  runInNewContext(scripts[0]!, { window })
  return window
}

function streamed(page: MizanSSRPage, template?: string, wait: 'onShellReady' | 'onAllReady' = 'onShellReady'): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += chunk.toString()
        done()
      },
      final(done) {
        resolve(out)
        done()
      },
    })
    const stream = renderMizanToPipeableStream(<App queryClient={page.queryClient} />, page, {
      template,
      [wait]: () => stream.pipe(sink),
      onShellError: reject,
      onError: reject,
    })
  })
}

describe('prefetchForSSR', () => {
  it('runs the page’s contexts, calls and form schema in-process, for the page’s user', async () => {
    const page = await prefetchPage()
    expect(page.errors).toEqual([])
    expect(page.global).toEqual({ current_user: { id: 1, username: 'alice' } })
    const keys = page.dehydrate().queries.map((q) => JSON.stringify(q.queryKey))
    expect(keys.sort()).toEqual([
      '["mizan","call","contact.schema",{}]',
      '["mizan","call","recent_senders",{"user_id":1}]',
      '["mizan","ctx","inbox",{"user_id":1}]',
    ])
  })

  it('leaves what failed to the browser and says why', async () => {
    const page = await prefetchPage({ user: null, forms: ['contact', 'feedback'] })
    expect(page.errors.map((e) => `${e.target} ${e.error.code}`)).toEqual(['form:feedback UNAUTHORIZED'])
    expect(page.dehydrate().queries.map((q) => q.queryKey[2])).not.toContain('feedback.schema')
    expect(page.global).toEqual({ current_user: null })
  })

  it('a router without a global context: no data global, and an empty global bundle in the cache', async () => {
    const { defineClient, createRouter } = createMizan()
    const router = createRouter({ ping: defineClient({}, () => ({ pong: true })) })
    const page = await prefetchForSSR({ router })
    const globals = runScript(page.script())
    expect(globals).not.toHaveProperty('__MIZAN_SSR_DATA__')
    expect((globals['__MIZAN_SSR_STATE__'] as DehydratedState).queries.map((q) => [q.queryKey, q.state.data])).toEqual([
      [['mizan', 'ctx', 'global', {}], {}],
    ])
  })
})

describe('the SSR globals', () => {
  it('writes PROPS, then DATA (the sorted global bundle), then the dehydrated cache; <, >, & and non-ASCII escaped', async () => {
    const { defineClient, createRouter } = createMizan()
    const router = createRouter({
      siteInfo: defineClient({ context: 'global' }, () => ({ title: '</script><!-- & café', zeta: 1, alpha: { b: 2, a: 1 } })),
      viewer: defineClient({ context: 'global' }, () => 'x'),
    })
    const page = await prefetchForSSR({ router, props: { page: 'home', tags: ['<b>'] } })
    const code = page.scriptContent()
    expect(code).toBe(
      'window.__MIZAN_SSR_PROPS__={"page":"home","tags":["\\u003cb\\u003e"]};' +
        'window.__MIZAN_SSR_DATA__={"site_info":{"alpha":{"a":1,"b":2},"title":"\\u003c/script\\u003e\\u003c!-- \\u0026 caf\\u00e9","zeta":1},"viewer":"x"};' +
        `window.__MIZAN_SSR_STATE__=${code.split('window.__MIZAN_SSR_STATE__=')[1]}`,
    )
    expect(code).not.toMatch(/[<>&]|[^\x20-\x7e]/)
    const globals = runScript(page.script())
    expect(globals['__MIZAN_SSR_DATA__']).toEqual({ site_info: { alpha: { a: 1, b: 2 }, title: '</script><!-- & café', zeta: 1 }, viewer: 'x' })
    expect(globals['__MIZAN_SSR_PROPS__']).toEqual({ page: 'home', tags: ['<b>'] })
    // The global bundle travels once, in the protocol's own global.
    expect((globals['__MIZAN_SSR_STATE__'] as DehydratedState).queries).toEqual([])
  })

  it('speaks the Izana spelling when asked', async () => {
    const page = await prefetchPage({ dialect: 'izana', props: { b: 1, a: 2 } })
    const code = page.scriptContent()
    expect(code.startsWith('window.__IZANA_SSR_PROPS__={"a":2,"b":1};window.__IZANA_SSR_DATA__={"current_user":')).toBe(true)
    expect(code).not.toContain('__MIZAN_SSR_DATA__')
  })

  it('carries a nonce when the page has a CSP', async () => {
    const page = await prefetchPage()
    expect(page.script({ nonce: 'r4nd"om' })).toMatch(/^<script nonce="r4nd&#34;om">window\./)
  })
})

describe('rendering with the data already in the tree', () => {
  it('renderToString: the markup shows every prefetched value, and the shell carries the data script', async () => {
    const page = await prefetchPage()
    const doc = renderMizanToString(<App queryClient={page.queryClient} />, page, { template: TEMPLATE })
    const root = /<div id="root">([\s\S]*)<\/div><script type="module"/.exec(doc)?.[1] ?? ''
    expect(root).toContain('<p data-testid="me">Signed in as alice</p>')
    expect(root).toContain('inbox: <!-- -->1')
    expect(root).toContain('from: Grace &lt;admin&gt; &amp; co')
    expect(root).toContain('<li>Email</li><li>Topic</li>')
    expect(root).not.toContain('loading')
    expect(root).not.toContain('<script')
    expect(doc.indexOf('<script>window.__MIZAN_SSR_DATA__=')).toBeLessThan(doc.indexOf('</head>'))
    expect(runScript(doc)['__MIZAN_SSR_DATA__']).toEqual({ current_user: { id: 1, username: 'alice' } })
    // Without a template, only the app's markup.
    expect(renderMizanToString(<App queryClient={page.queryClient} />, page)).toBe(root)
  })

  it('renderToPipeableStream: the same document, streamed', async () => {
    const page = await prefetchPage()
    const doc = await streamed(page, TEMPLATE)
    expect(doc.startsWith('<!doctype html><html><head><title>t</title><script>window.__MIZAN_SSR_DATA__=')).toBe(true)
    expect(doc.endsWith('</div><script type="module" src="/main.js"></script></body></html>')).toBe(true)
    expect(doc).toContain('<p data-testid="me">Signed in as alice</p>')
    expect(doc).toContain('from: Grace &lt;admin&gt; &amp; co')
    expect(doc).toContain('<li>Message</li>')
    expect(doc).not.toContain('loading')
    const shipped = (runScript(doc)['__MIZAN_SSR_STATE__'] as DehydratedState).queries.map((q) => [q.queryKey, q.state.data])
    expect(shipped).toEqual(JSON.parse(JSON.stringify(page.dehydrate().queries.map((q) => [q.queryKey, q.state.data]))))
    const markup = await streamed(page, undefined, 'onAllReady')
    expect(markup).toContain('inbox: <!-- -->1')
    expect(markup).not.toContain('__MIZAN_SSR_DATA__')
  })

  it('without prefetched data the server renders the fallback, as the browser’s first render will', async () => {
    const page = await prefetchForSSR({ router: formsRouter, global: false })
    expect(renderMizanToString(<App queryClient={page.queryClient} />, page)).toBe('<p>loading global</p>')
  })
})
