import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query'
import { useInfiniteQuery, useSuspenseInfiniteQuery } from '@tanstack/react-query'
import { describe, expectTypeOf, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import type { MizanError } from '../../src/client/index.ts'
import type { TodoRouter } from '../fixtures/todo-router.ts'

const mizan = createMizanReact<TodoRouter>()
type Page = { items: { id: number; title: string; done: boolean }[]; next: number | null }

describe('infinite queries', () => {
  it('page a function with a cursor input, typed by its output and cursor', () => {
    const pages = mizan.useListTodosInfinite({ limit: 2 }, { getNextPageParam: (last) => last.next })
    expectTypeOf(pages).toEqualTypeOf<UseInfiniteQueryResult<InfiniteData<Page, number | null | undefined>, MizanError>>()
    mizan.useListTodosInfinite({}, { getNextPageParam: (last, all) => (all.length < 3 ? last.next : null), initialPageParam: 0 })
    const options = mizan.infiniteQueryOptions('listTodos', { limit: 2 }, { getNextPageParam: (last) => last.next })
    expectTypeOf(useInfiniteQuery(options).data).toEqualTypeOf<InfiniteData<Page, number | null | undefined> | undefined>()
    expectTypeOf(useSuspenseInfiniteQuery(options).data.pages).toEqualTypeOf<Page[]>()
  })

  it('reject a function without a cursor, a cursor of the wrong type, and the cursor in the input', () => {
    // @ts-expect-error addTodo takes no cursor
    mizan.useAddTodoInfinite({ title: 'x' }, { getNextPageParam: () => null })
    // @ts-expect-error the cursor is a number
    mizan.useListTodosInfinite({ limit: 2 }, { getNextPageParam: () => 'next' })
    // @ts-expect-error pages supply the cursor
    mizan.useListTodosInfinite({ limit: 2, cursor: 1 }, { getNextPageParam: (last) => last.next })
    // @ts-expect-error context members are not callable
    void mizan.useTodoListInfinite
    // @ts-expect-error wrong input type
    mizan.infiniteQueryOptions('listTodos', { limit: '2' }, { getNextPageParam: (last) => last.next })
  })
})
