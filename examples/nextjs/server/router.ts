import { z } from 'zod'
import { createMizan, MizanError } from '../../../src/server/index.ts'

/**
 * The example's router: a `todos` context that `addTodo` (a server action) and `toggleTodo`
 * (a call from the browser, optimistic) change, and a `stats` context nothing here changes, so
 * the page can show that an action refetches exactly the context it affects; and `listTodos`,
 * paged by cursor, for the infinite list of /lab.
 */
const { defineClient, createRouter } = createMizan()

const Todo = z.object({ id: z.number(), title: z.string(), done: z.boolean() })
type TodoItem = z.infer<typeof Todo>

// One store per server process. Next.js bundles each route on its own, so module state would be
// one copy per route: the store hangs off globalThis, shared by the page, the API and the actions.
const STORE = Symbol.for('mizan.example.nextjs.todos')
const store = ((globalThis as { [STORE]?: { todos: TodoItem[]; statsReads: number } })[STORE] ??= {
  todos: [
    { id: 1, title: 'Read the Mizan docs', done: true },
    { id: 2, title: 'Render todos on the server', done: false },
  ],
  statsReads: 0,
})

export const todoList = defineClient({ context: 'todos', output: z.array(Todo) }, () => store.todos.map((todo) => ({ ...todo })))

export const statsReads = defineClient({ context: 'stats', output: z.object({ reads: z.number() }) }, () => ({ reads: ++store.statsReads }))

/** Pages of `limit` to-dos after the one whose id is `cursor`, and the next page's cursor (or `null`). */
export const listTodos = defineClient(
  { input: z.object({ cursor: z.number().nullish(), limit: z.number().int().min(1).max(50).default(2) }), output: z.object({ items: z.array(Todo), next: z.number().nullable() }) },
  ({ cursor, limit }) => {
    const after = store.todos.filter((todo) => todo.id > (cursor ?? 0))
    const items = after.slice(0, limit).map((todo) => ({ ...todo }))
    return { items, next: after.length > limit ? (items.at(-1)?.id ?? null) : null }
  },
)

export const addTodo = defineClient({ affects: ['todos', listTodos], input: z.object({ title: z.string().min(1).max(200) }), output: Todo }, ({ title }) => {
  const todo = { id: Math.max(0, ...store.todos.map((t) => t.id)) + 1, title, done: false }
  store.todos.push(todo)
  return todo
})

export const toggleTodo = defineClient(
  { merge: 'todos', input: z.object({ id: z.number(), done: z.boolean(), fail: z.boolean().optional() }), output: Todo },
  ({ id, done, fail }) => {
    const todo = store.todos.find((t) => t.id === id)
    if (!todo) throw new MizanError('NOT_FOUND', `no todo ${id}`)
    // The page's "toggle (server refuses)" button: the optimistic write must roll back.
    if (fail) throw new MizanError('BAD_REQUEST', 'The server refused this toggle')
    todo.done = done
    return { ...todo }
  },
)

export const router = createRouter({ todoList, statsReads, listTodos, addTodo, toggleTodo })
export type ExampleRouter = typeof router
