// @vitest-environment jsdom
import { QueryClient, useInfiniteQuery } from '@tanstack/react-query'
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { infinite } from '../../src/client/react/infinite.ts'
import { todoDb, todoRouter, type TodoRouter } from '../fixtures/todo-router.ts'
import { BASE_URL, createTestServer } from './test-server.ts'

const mizan = createMizanReact<TodoRouter>({ csrf: false, use: [infinite] })

afterEach(cleanup)
beforeEach(() => todoDb.reset())

let pages: ReturnType<typeof mizan.useListTodosInfinite>
let add: ReturnType<typeof mizan.useAddTodoToPages>

function Pages() {
  pages = mizan.useListTodosInfinite({ limit: 2 }, { getNextPageParam: (last) => last.next })
  add = mizan.useAddTodoToPages()
  const text = pages.data?.pages.map((page) => page.items.map((todo) => todo.id).join(',')).join(' | ') ?? 'loading'
  return <p>{`${text}${pages.hasNextPage ? ' …' : ''}`}</p>
}

function renderPages(ui = <Pages />) {
  const server = createTestServer({ csrf: false }, todoRouter)
  render(
    <mizan.MizanContext baseUrl={BASE_URL} queryClient={new QueryClient()} client={{ fetch: server.fetch }} global={false}>
      {ui}
    </mizan.MizanContext>,
  )
  return server
}

describe('infinite queries', () => {
  it('load pages by cursor, and refetch every loaded page after an affects of the function', async () => {
    const server = renderPages()
    expect(await screen.findByText('1,2 …')).toBeTruthy()
    await act(() => pages.fetchNextPage())
    expect(await screen.findByText('1,2 | 3')).toBeTruthy()
    expect(server.requests.map((r) => r.body?.['args'])).toEqual([{ limit: 2 }, { limit: 2, cursor: 2 }])
    // addTodoToPages affects listTodos: the answer's invalidate entry names the function.
    await act(() => add.mutateAsync({ title: 'four' }))
    expect(await screen.findByText('1,2 | 3,4')).toBeTruthy()
    expect(server.calls('list_todos')).toBe(4)
  })

  it('infiniteQueryOptions gives the same query to useInfiniteQuery', async () => {
    function Plain() {
      const query = useInfiniteQuery(mizan.infiniteQueryOptions('listTodos', { limit: 3 }, { getNextPageParam: (last) => last.next }))
      return <p>{query.data ? `${query.data.pages[0]!.items.length} items` : 'loading'}</p>
    }
    renderPages(<Plain />)
    expect(await screen.findByText('3 items')).toBeTruthy()
  })
})
