// @vitest-environment jsdom
import { QueryClient } from '@tanstack/react-query'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { optimistic } from '../../src/client/react/optimistic.ts'
import { todoDb, todoRouter, type TodoRouter } from '../fixtures/todo-router.ts'
import { BASE_URL, createTestServer } from './test-server.ts'

const mizan = createMizanReact<TodoRouter>({ csrf: false, use: [optimistic] })
type Toggle = ReturnType<typeof mizan.useToggleTodo>
type Add = ReturnType<typeof mizan.useAddTodo>

afterEach(cleanup)
beforeEach(() => todoDb.reset())

/** Every list the screen showed, in order: `1x 2- 3-` (x = done). */
let shown: string[] = []
let toggle: Toggle
let add: Add

function Todos() {
  const todos = mizan.useTodoList()
  const text = todos.map((todo) => `${todo.id}${todo.done ? 'x' : '-'}`).join(' ')
  if (shown.at(-1) !== text) shown.push(text)
  toggle = mizan.useToggleTodo({ optimistic: ({ id, done }) => ({ context: 'todos', member: 'todoList', value: (list) => list.map((t) => (t.id === id ? { ...t, done } : t)) }) })
  add = mizan.useAddTodo({ optimistic: ({ title }) => ({ context: 'todos', member: 'todoList', value: { id: -1, title, done: false } }) })
  return <p>{text}</p>
}

function renderTodos() {
  shown = []
  const server = createTestServer({ csrf: false }, todoRouter)
  const queryClient = new QueryClient()
  render(
    <mizan.MizanContext baseUrl={BASE_URL} queryClient={queryClient} client={{ fetch: server.fetch }} global={false}>
      <mizan.TodosContext fallback={<p>loading</p>}>
        <Todos />
      </mizan.TodosContext>
    </mizan.MizanContext>,
  )
  return { server, queryClient }
}

/** Lists shown right after one where the item was done, with it not done: a flicker back to stale data. */
const regressions = (item: string) => {
  const has = (text: string, token: string) => text.split(' ').includes(token)
  return shown.filter((text, i) => i > 0 && has(shown[i - 1]!, `${item}x`) && has(text, `${item}-`))
}

describe('optimistic updates', () => {
  it('show the write before the server answers, then the server merge, with one bundle read', async () => {
    const { server } = renderTodos()
    await screen.findByText('1- 2- 3-')
    const held = todoDb.holdWrites()
    let done!: Promise<unknown>
    act(() => void (done = toggle.mutateAsync({ id: 2, done: true })))
    expect(await screen.findByText('1- 2x 3-')).toBeTruthy()
    expect(todoDb.todos.get(2)?.done).toBe(false)
    held.open()
    await act(() => done)
    expect(todoDb.todos.get(2)?.done).toBe(true)
    expect(screen.getByText('1- 2x 3-')).toBeTruthy()
    expect(server.count('/api/mizan/ctx/todos/')).toBe(1)
    expect(shown).toEqual(['1- 2- 3-', '1- 2x 3-'])
  })

  it('roll back when the server refuses, and surface its error', async () => {
    renderTodos()
    await screen.findByText('1- 2- 3-')
    const held = todoDb.holdWrites()
    let failed!: Promise<unknown>
    act(() => void (failed = toggle.mutateAsync({ id: 1, done: true, fail: true }).catch((error: unknown) => error)))
    expect(await screen.findByText('1x 2- 3-')).toBeTruthy()
    held.open()
    const error = (await act(() => failed)) as { code: string }
    expect(error.code).toBe('BAD_REQUEST')
    expect(await screen.findByText('1- 2- 3-')).toBeTruthy()
    expect(todoDb.todos.get(1)?.done).toBe(false)
    await waitFor(() => expect(toggle.isError).toBe(true))
  })

  it('a read in flight when the write happens does not bring stale data back (trpc/trpc#7339)', async () => {
    const { server, queryClient } = renderTodos()
    await screen.findByText('1- 2- 3-')
    // A refetch leaves (with the list as it is now), and is still on the wire when the user toggles.
    const reads = todoDb.holdReads()
    // Not inside act(): an act() scope still open would hold back every render after it.
    void queryClient.invalidateQueries({ queryKey: ['mizan', 'ctx', 'todos'] })
    await waitFor(() => expect(server.count('/api/mizan/ctx/todos/')).toBe(2))
    await act(() => toggle.mutateAsync({ id: 3, done: true }))
    expect(screen.getByText('1- 2- 3x')).toBeTruthy()
    // The old read answers now, after the toggle was saved: its list has 3 not done.
    reads.open()
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)))
    expect(screen.getByText('1- 2- 3x')).toBeTruthy()
    expect(regressions('3')).toEqual([])
    expect(todoDb.todos.get(3)?.done).toBe(true)
  })

  it("another mutation's refetch waits for a write still in flight, so it never shows the old value (trpc/trpc#7339)", async () => {
    const { server } = renderTodos()
    await screen.findByText('1- 2- 3-')
    const writes = todoDb.holdWrites()
    let toggled!: Promise<unknown>
    act(() => void (toggled = toggle.mutateAsync({ id: 1, done: true })))
    await screen.findByText('1x 2- 3-')
    // addTodo answers at once and invalidates `todos`; a refetch now would show 1 not done.
    await act(() => add.mutateAsync({ title: 'four' }))
    expect(server.count('/api/mizan/ctx/todos/')).toBe(1)
    expect(screen.getByText('1x 2- 3- -1-')).toBeTruthy()
    writes.open()
    await act(() => toggled)
    expect(await screen.findByText('1x 2- 3- 4-')).toBeTruthy()
    expect(server.count('/api/mizan/ctx/todos/')).toBe(2)
    expect(regressions('1')).toEqual([])
  })

  it('without the plug-in, the option is an error that names the import', async () => {
    const bare = createMizanReact<TodoRouter>({ csrf: false })
    let thrown: unknown
    function Probe() {
      try {
        bare.useToggleTodo({ optimistic: () => [] })
      } catch (error) {
        thrown = error
      }
      return null
    }
    render(
      <bare.MizanContext baseUrl={BASE_URL} client={{ fetch: createTestServer({ csrf: false }, todoRouter).fetch }} global={false}>
        <Probe />
      </bare.MizanContext>,
    )
    expect(String(thrown)).toContain("from 'mizan-ts/react/optimistic'")
  })
})
