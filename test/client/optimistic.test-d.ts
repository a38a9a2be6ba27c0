import { describe, expectTypeOf, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import type { AppRouter } from '../fixtures/app-router.ts'
import type { TodoRouter } from '../fixtures/todo-router.ts'

const todos = createMizanReact<TodoRouter>()
const app = createMizanReact<AppRouter>()
type Todo = { id: number; title: string; done: boolean }

describe('the optimistic option of a mutation hook', () => {
  it('takes the mutation input and writes a member of a context, as a value, an item of a list, or from the current value', () => {
    todos.useToggleTodo({
      optimistic: (input) => {
        expectTypeOf(input).toEqualTypeOf<{ id: number; done: boolean; fail?: boolean | undefined }>()
        return { context: 'todos', member: 'todoList', value: { id: input.id, title: '', done: input.done } }
      },
    })
    todos.useToggleTodo({ optimistic: () => ({ context: 'todos', member: 'todoList', value: [] as Todo[] }) })
    todos.useToggleTodo({
      optimistic: ({ id }) => ({
        context: 'todos',
        member: 'todoList',
        value: (current) => {
          expectTypeOf(current).toEqualTypeOf<Todo[]>()
          return current.filter((todo) => todo.id !== id)
        },
      }),
    })
    app.useRenameUser({
      optimistic: ({ user_id, name }) => [
        { context: 'user', params: { user_id }, member: 'userProfile', value: { user_id, name } },
        { context: 'global', member: 'siteConfig', value: { name: 'x', version: 2 } },
      ],
    })
  })

  it('rejects what the router does not have', () => {
    // @ts-expect-error not a member of todos
    todos.useToggleTodo({ optimistic: () => ({ context: 'todos', member: 'listTodos', value: [] }) })
    // @ts-expect-error no such context
    todos.useToggleTodo({ optimistic: () => ({ context: 'nope', member: 'todoList', value: [] }) })
    // @ts-expect-error a value the member cannot hold
    todos.useToggleTodo({ optimistic: () => ({ context: 'todos', member: 'todoList', value: { id: 1 } }) })
    // @ts-expect-error userProfile is in context user, not global
    app.useRenameUser({ optimistic: ({ user_id, name }) => ({ context: 'global', member: 'userProfile', value: { user_id, name } }) })
    // @ts-expect-error a param the context does not have
    app.useRenameUser({ optimistic: ({ user_id, name }) => ({ context: 'user', params: { id: user_id }, member: 'userProfile', value: { user_id, name } }) })
  })
})
