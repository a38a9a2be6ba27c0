/**
 * `mizan-ts/react/optimistic`: the `optimistic` option of mutation hooks, as a plug-in:
 *
 * ```ts
 * import { optimistic } from 'mizan-ts/react/optimistic'
 * const mizan = createMizanReact<AppRouter>({ use: [optimistic] })
 * const toggle = mizan.useToggleTodo({ optimistic: ({ id, done }) => ({ context: 'todos', member: 'todoList', value: … }) })
 * ```
 */
import { optimisticMutation } from './optimistic-writes.ts'
import type { MizanReactPlugin } from './plugin.ts'

export const optimistic: MizanReactPlugin = { name: 'optimistic', optimisticMutation }

export type { OptimisticSpec, OptimisticWrite } from './optimistic-writes.ts'
