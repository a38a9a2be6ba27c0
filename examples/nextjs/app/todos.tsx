'use client'
import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { applyMizanResponse } from '../../../src/client/react/apply-response.ts'
import { addTodoAction } from './actions.ts'
import { mizan } from './mizan.ts'

/**
 * Reads the bundles the server rendered (hydrated: no request on load), adds through a server
 * action whose `invalidate` refetches the `todos` context only, and toggles through a call with
 * an optimistic write.
 */
export function Todos() {
  const todos = mizan.useSuspenseTodosContext().data.todoList
  const stats = mizan.useSuspenseStatsContext().data.statsReads
  const queryClient = useQueryClient()
  const toggle = mizan.useToggleTodo({
    optimistic: ({ id, done }) => ({ context: 'todos', member: 'todoList', value: (list) => list.map((t) => (t.id === id ? { ...t, done } : t)) }),
  })
  const [title, setTitle] = useState('')
  const [error, setError] = useState('')

  async function add(event: React.FormEvent) {
    event.preventDefault()
    const outcome = await addTodoAction(title)
    if (!outcome.ok) return setError(outcome.error.message)
    setError('')
    setTitle('')
    await applyMizanResponse(queryClient, outcome)
  }

  return (
    <section>
      <ul>
        {todos.map((todo) => (
          <li key={todo.id}>
            <label>
              <input type="checkbox" checked={todo.done} onChange={() => toggle.mutate({ id: todo.id, done: !todo.done })} /> {todo.title}
            </label>
          </li>
        ))}
      </ul>
      <form onSubmit={add}>
        <input aria-label="title" value={title} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit">Add</button>
      </form>
      {error && <p role="alert">{error}</p>}
      <p data-testid="stats">stats read {stats.reads} time(s)</p>
    </section>
  )
}
