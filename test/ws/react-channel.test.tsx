// @vitest-environment jsdom
/**
 * The React layer against a real server over real sockets (the `ws` client class: under vitest,
 * jsdom's global WebSocket is undici's, whose events clash with jsdom's `Event`):
 * `useChatChannel({ room })` in two "browsers", and live invalidation — page B shows page A's
 * mutation without a reload.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { useState } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { WebSocket as WS } from 'ws'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { channels } from '../../src/client/react/channels.ts'
import { live as liveInvalidation } from '../../src/client/react/live.ts'
import type { WebSocketConstructor } from '../../src/client/ws-transport.ts'
import { db } from '../fixtures/app-router.ts'
import { startServer, type RunningServer } from './helpers.ts'
import { realtime, resolveUser, wsRouter, type WsRouter } from './ws-router.ts'

let server: RunningServer

beforeAll(async () => {
  const hub = realtime.hub
  server = await startServer(wsRouter, { resolveUser, csrf: false, onError: () => {}, hub, liveInvalidation: true }, { onInvalidate: hub.invalidated })
})
afterAll(() => server.close())
afterEach(cleanup)

const WebSocket = WS as unknown as WebSocketConstructor
const mizan = createMizanReact<WsRouter>({ csrf: false, use: [channels], websocket: { WebSocket, reconnect: { baseDelayMs: 20, maxDelayMs: 200 } } })
const live = createMizanReact<WsRouter>({ csrf: false, use: [liveInvalidation], websocket: { WebSocket } })

function Browser({ user, children, handle = mizan }: { user: string; children: React.ReactNode; handle?: typeof mizan }) {
  return (
    <handle.MizanContext baseUrl={`${server.url}/api/mizan`} client={{ websocket: { WebSocket, token: `token-${user}` } }} fallback={<p>loading</p>}>
      {children}
    </handle.MizanContext>
  )
}

function Chat({ who, initialRoom }: { who: string; initialRoom: string }) {
  const [room, setRoom] = useState(initialRoom)
  const { messages, last, send, status, error } = mizan.useChatChannel({ room })
  expectTypeOf(last).toEqualTypeOf<{ text: string; sender: string } | undefined>()
  expectTypeOf(send).parameter(0).toEqualTypeOf<{ text: string }>()
  return (
    <section aria-label={who}>
      <p>
        {who} in {room}: {status}
        {error ? ` (${error})` : ''}
      </p>
      <ul>
        {messages.map((m, i) => (
          <li key={i}>
            {who} saw {m.sender}: {m.text}
          </li>
        ))}
      </ul>
      <button onClick={() => send({ text: `hi from ${who}` })}>{who} says hi</button>
      <button onClick={() => setRoom('garden')}>{who} goes to the garden</button>
    </section>
  )
}

describe('useChatChannel({ room })', () => {
  it('subscribes, shows both browsers the latest messages, and follows a room change', async () => {
    render(
      <>
        <Browser user="alice">
          <Chat who="alice" initialRoom="lobby" />
        </Browser>
        <Browser user="sam">
          <Chat who="sam" initialRoom="lobby" />
        </Browser>
      </>,
    )
    expect(await screen.findByText('alice in lobby: open')).toBeTruthy()
    expect(await screen.findByText('sam in lobby: open')).toBeTruthy()
    fireEvent.click(screen.getByText('alice says hi'))
    expect(await screen.findByText('sam saw alice: hi from alice')).toBeTruthy()
    expect(await screen.findByText('alice saw alice: hi from alice')).toBeTruthy()

    // Sam moves: his messages reset, and what is said in the lobby no longer reaches him.
    fireEvent.click(screen.getByText('sam goes to the garden'))
    expect(await screen.findByText('sam in garden: open')).toBeTruthy()
    expect(screen.queryByText('sam saw alice: hi from alice')).toBeNull()
    fireEvent.click(screen.getByText('alice says hi'))
    await waitFor(() => expect(screen.getAllByText('alice saw alice: hi from alice')).toHaveLength(2))
    fireEvent.click(screen.getByText('sam says hi'))
    expect(await screen.findByText('sam saw sam: hi from sam')).toBeTruthy()
    expect(screen.queryByText('alice saw sam: hi from sam')).toBeNull()
  })

  it('shows a refused subscription', async () => {
    function StaffRoom() {
      const { status, error } = mizan.useChatChannel({ room: 'staff' })
      return <p>staff room: {status} {error}</p>
    }
    render(
      <Browser user="alice">
        <StaffRoom />
      </Browser>,
    )
    expect(await screen.findByText('staff room: error Not authorized')).toBeTruthy()
  })
})

describe('live invalidation', () => {
  function Profile() {
    const profile = live.useUserProfile()
    return <p>profile: {profile.name}</p>
  }
  function Rename() {
    const update = live.useUpdateProfile()
    return <button onClick={() => update.mutate({ user_id: 1, name: 'Alice Renamed' })}>rename</button>
  }

  it('page B refetches the bundle page A changed, with no reload', async () => {
    db.reset()
    render(
      <>
        <Browser user="sam" handle={live}>
          <live.UserContext params={{ user_id: 1 }} fallback={<p>loading B</p>}>
            <Profile />
          </live.UserContext>
        </Browser>
        <Browser user="alice" handle={live}>
          <Rename />
        </Browser>
      </>,
    )
    expect(await screen.findByText('profile: Alice')).toBeTruthy()
    // Give page B's watch time to reach the server before A mutates.
    await act(() => new Promise((r) => setTimeout(r, 100)))
    fireEvent.click(screen.getByText('rename'))
    expect(await screen.findByText('profile: Alice Renamed', {}, { timeout: 3000 })).toBeTruthy()
  })
})
