// @vitest-environment jsdom
import { useMutation, useQuery } from '@tanstack/react-query'
import { act, cleanup, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { db } from '../fixtures/app-router.ts'
import { ctxPath, mizan, renderApp, UserCard } from './react-app.tsx'

afterEach(cleanup)
beforeEach(() => db.reset())

describe('mutations and their cache effects', () => {
  const hooks = {} as {
    update: ReturnType<typeof mizan.useUpdateProfile>
    refresh: ReturnType<typeof mizan.useRefreshUsers>
    rename: ReturnType<typeof mizan.useRenameUser>
    touch: ReturnType<typeof mizan.useTouchProfile>
  }
  function Mutations() {
    hooks.update = mizan.useUpdateProfile()
    hooks.refresh = mizan.useRefreshUsers()
    hooks.rename = mizan.useRenameUser()
    hooks.touch = mizan.useTouchProfile()
    return null
  }
  async function twoCards() {
    const app = renderApp(
      <>
        <UserCard id={1} />
        <UserCard id={2} />
        <Mutations />
      </>,
    )
    expect(await screen.findByText('Alice (3 posts)')).toBeTruthy()
    expect(await screen.findByText('Sam (3 posts)')).toBeTruthy()
    expect([app.server.count(ctxPath(1)), app.server.count(ctxPath(2))]).toEqual([1, 1])
    return app
  }

  it('useEcho() is a mutation returning the typed result', async () => {
    let echo!: ReturnType<typeof mizan.useEcho>
    function Echo() {
      echo = mizan.useEcho()
      return <p>{echo.data ? echo.data.message : 'idle'}</p>
    }
    renderApp(<Echo />)
    expect(await screen.findByText('idle')).toBeTruthy()
    await act(() => echo.mutateAsync({ text: 'hello' }))
    expect(await screen.findByText('hello')).toBeTruthy()
  })

  it('a scoped invalidation refetches exactly the user_id=1 bundle', async () => {
    const { server } = await twoCards()
    await act(() => hooks.update.mutateAsync({ user_id: 1, name: 'Alicia' }))
    expect(await screen.findByText('Alicia (3 posts)')).toBeTruthy()
    expect([server.count(ctxPath(1)), server.count(ctxPath(2))]).toEqual([2, 1])
  })

  it('a broad invalidation refetches every user bundle', async () => {
    const { server } = await twoCards()
    await act(() => hooks.refresh.mutateAsync())
    expect([server.count(ctxPath(1)), server.count(ctxPath(2))]).toEqual([2, 2])
  })

  it('a merge writes the result into the matching bundle without a request', async () => {
    const { server } = await twoCards()
    await act(() => hooks.rename.mutateAsync({ user_id: 2, name: 'Samuel' }))
    expect(await screen.findByText('Samuel (3 posts)')).toBeTruthy()
    expect(screen.getByText('Alice (3 posts)')).toBeTruthy()
    expect([server.count(ctxPath(1)), server.count(ctxPath(2))]).toEqual([1, 1])
  })

  it('affects=<member function> scopes to that member’s context', async () => {
    const { server } = await twoCards()
    await act(() => hooks.touch.mutateAsync({ user_id: 2 }))
    expect([server.count(ctxPath(1)), server.count(ctxPath(2))]).toEqual([1, 2])
  })

  it('affects=<plain function> refetches its call query', async () => {
    let touch!: ReturnType<typeof mizan.useTouchItems>
    function Items() {
      const items = useQuery(mizan.queryOptions.call('listItems'))
      touch = mizan.useTouchItems()
      return <p>{items.data ? `${items.data.length} items` : 'no items'}</p>
    }
    const { server } = renderApp(<Items />)
    expect(await screen.findByText('2 items')).toBeTruthy()
    expect(server.calls('list_items')).toBe(1)
    await act(() => touch.mutateAsync())
    expect(server.calls('list_items')).toBe(2)
  })

  it('mutationOptions(key) applies the response through the QueryClient it runs in', async () => {
    let refresh!: ReturnType<typeof useMutation<{ ok: boolean }, unknown, void>>
    function Refresh() {
      refresh = useMutation(mizan.mutationOptions('refreshUsers'))
      return null
    }
    const { server } = renderApp(
      <>
        <UserCard id={1} />
        <Refresh />
      </>,
    )
    expect(await screen.findByText('Alice (3 posts)')).toBeTruthy()
    await act(() => refresh.mutateAsync())
    expect(server.count(ctxPath(1))).toBe(2)
  })

  it('failed mutations expose a MizanError with code and fieldErrors', async () => {
    let add!: ReturnType<typeof mizan.useAdd>
    function Add() {
      add = mizan.useAdd()
      const error = add.error
      return <p>{error ? `${error.code}: ${Object.keys(error.fieldErrors).join(',')}` : 'ok'}</p>
    }
    renderApp(<Add />)
    await screen.findByText('ok')
    await act(() => add.mutateAsync({ a: 1.5, b: 1 }).catch(() => undefined))
    expect(await screen.findByText('VALIDATION_ERROR: a')).toBeTruthy()
  })
})
