// @vitest-environment jsdom
/**
 * What is opt-in, and what a missing plug-in says: hooks of a plug-in that was not passed to
 * `createMizanReact({ use })` throw an error naming the import, a socket routing without a
 * socket transport is refused up front, and the page's SSR data is read only with `ssr`.
 */
import { QueryClient } from '@tanstack/react-query'
import { cleanup, render, screen } from '@testing-library/react'
import superjson from 'superjson'
import { afterEach, describe, expect, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { createMizanClient } from '../../src/client/index.ts'
import { ssr } from '../../src/client/react/ssr.ts'
import { superjsonTransformer } from '../../src/client/superjson.ts'
import { realtimeOf, webSocketTransport } from '../../src/client/ws-transport.ts'
import { DIALECTS, type Dialect } from '../../src/shared/protocol.ts'
import type { FormsRouter } from '../forms/forms-router.ts'
import type { WsRouter } from '../ws/ws-router.ts'
import type { AppRouter } from '../fixtures/app-router.ts'
import { BASE_URL, createTestServer, jsonResponse } from './test-server.ts'

afterEach(() => {
  cleanup()
  delete (window as unknown as Record<string, unknown>)['__MIZAN_SSR_DATA__']
})

describe('a hook whose plug-in is missing', () => {
  const forms = createMizanReact<FormsRouter>()
  const realtime = createMizanReact<WsRouter>()

  it.each([
    ['useContactForm', () => forms.useContactForm(), 'forms'],
    ['useChatChannel', () => realtime.useChatChannel({ room: 'lobby' }), 'channels'],
    ['useConnectionStatus', () => realtime.useConnectionStatus(), 'channels'],
    ['useLiveInvalidation', () => realtime.useLiveInvalidation(), 'live'],
  ] as const)('%s names the import', (hook, use, plugin) => {
    expect(use).toThrow(`Mizan: ${hook} needs createMizanReact({ use: [${plugin}] }), ${plugin} from 'mizan-ts/react/${plugin}'`)
  })

  it('is still a function hook when the name is a plain function', () => {
    expect(typeof forms.useRecentSenders).toBe('function')
  })
})

describe('the socket transport is plugged in', () => {
  it('a routing to the socket without it is refused when the client is made', () => {
    expect(() => createMizanClient<WsRouter>({ transport: 'websocket' })).toThrow(/transport needs websocket\.connect/)
    expect(() => createMizanClient<WsRouter>({ transport: { websocket: ['counter'] } })).toThrow(/webSocketTransport/)
    expect(() => createMizanClient<WsRouter>({ transport: 'http' })).not.toThrow()
  })

  it('realtimeOf needs a client with a socket', () => {
    expect(() => realtimeOf(createMizanClient<WsRouter>())).toThrow(/no WebSocket transport/)
    const socket = realtimeOf(createMizanClient<WsRouter>({ websocket: { connect: webSocketTransport } }))
    expect(socket.connection.status).toBe('idle')
    socket.connection.close()
  })
})

describe('the dialect spelling the kernel derives', () => {
  it.each(Object.keys(DIALECTS) as Dialect[])('matches DIALECTS for %s', async (dialect) => {
    const { prefix, tokenHeader, invalidateHeader } = DIALECTS[dialect]
    const seen: string[] = []
    const client = createMizanClient<AppRouter>({
      dialect,
      headers: { [tokenHeader]: 'token' },
      invalidateHeader: (header) => [header],
      fetch: async (url) => {
        seen.push(url)
        return jsonResponse(200, { result: null }, { [invalidateHeader]: 'user' })
      },
    })
    expect(client.baseUrl).toBe(prefix)
    // Token-authenticated: no CSRF session round trip; and the invalidate header is the dialect's.
    expect((await client.call('ping')).invalidate).toEqual(['user'])
    expect(seen).toEqual([`${prefix}/call/`])
  })
})

describe('superjson is plugged in', () => {
  it('unreadable metadata is an INVALID_RESPONSE', async () => {
    const client = createMizanClient<AppRouter>({
      baseUrl: BASE_URL,
      transformer: superjsonTransformer(superjson),
      retry: { context: 0 },
      fetch: async () => jsonResponse(200, { site_config: {} }, { 'X-Mizan-Superjson-Meta': '{not json' }),
    })
    await expect(client.context('global')).rejects.toMatchObject({ code: 'INVALID_RESPONSE', message: 'Unreadable superjson metadata' })
  })
})

describe('SSR data', () => {
  const page = { current_user: { id: 9, username: 'from-the-page' }, site_config: { name: 'Page', version: 7 } }

  function Site({ handle }: { handle: ReturnType<typeof createMizanReact<AppRouter>> }) {
    const site = handle.useSiteConfig()
    return <p>{site.name}</p>
  }

  it.each([
    ['is read with the ssr plug-in', createMizanReact<AppRouter>({ csrf: false, use: [ssr] }), 'Page', 0],
    ['is left alone without it', createMizanReact<AppRouter>({ csrf: false }), 'Fixture', 1],
  ] as const)('%s', async (_, handle, shown, requests) => {
    ;(window as unknown as Record<string, unknown>)['__MIZAN_SSR_DATA__'] = { ...page }
    const server = createTestServer({ csrf: false })
    render(
      <handle.MizanContext baseUrl={BASE_URL} queryClient={new QueryClient()} client={{ fetch: server.fetch }} fallback={<p>loading</p>}>
        <Site handle={handle} />
      </handle.MizanContext>,
    )
    expect(await screen.findByText(shown)).toBeTruthy()
    expect(server.requests).toHaveLength(requests)
  })
})
