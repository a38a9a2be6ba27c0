'use client'
import { Suspense, useState } from 'react'
import { mizan } from '../mizan.ts'

/** Suspends until the `todos` bundle is loaded in the browser (nothing was prefetched here). */
function Checklist() {
  const todos = mizan.useSuspenseTodosContext().data.todoList
  const toggle = mizan.useToggleTodo({
    optimistic: ({ id, done }) => ({ context: 'todos', member: 'todoList', value: (list) => list.map((t) => (t.id === id ? { ...t, done } : t)) }),
  })
  const first = todos[0]
  return (
    <section>
      <p data-testid="first">{first ? `${first.title}: ${first.done ? 'done' : 'open'}` : 'none'}</p>
      {first && (
        <>
          <button type="button" onClick={() => toggle.mutate({ id: first.id, done: !first.done })}>toggle</button>
          <button type="button" onClick={() => toggle.mutate({ id: first.id, done: !first.done, fail: true })}>toggle (server refuses)</button>
        </>
      )}
      {toggle.error && <p role="alert">{toggle.error.message}</p>}
    </section>
  )
}

/** Pages of to-dos by cursor; adding one (which affects listTodos) refetches the loaded pages. */
function Pages() {
  const pages = mizan.useListTodosInfinite({ limit: 2 }, { getNextPageParam: (last) => last.next })
  const add = mizan.useAddTodo()
  const [count, setCount] = useState(0)
  if (!pages.data) return <p>loading pages</p>
  return (
    <section>
      <ol data-testid="pages">
        {pages.data.pages.map((page, i) => (
          <li key={i}>{page.items.map((todo) => todo.title).join(', ')}</li>
        ))}
      </ol>
      {pages.hasNextPage && <button type="button" onClick={() => void pages.fetchNextPage()}>more</button>}
      <button
        type="button"
        onClick={() => {
          setCount(count + 1)
          add.mutate({ title: `lab ${count + 1}` })
        }}
      >
        add
      </button>
    </section>
  )
}

export function Lab() {
  return (
    <>
      <Suspense fallback={<p>suspended</p>}>
        <Checklist />
      </Suspense>
      <Pages />
    </>
  )
}
