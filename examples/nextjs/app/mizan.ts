import { createMizanReact } from '../../../src/client/createMizanReact.ts'
import type { ExampleRouter } from '../server/router.ts'

/** The browser's handle; `members` lets a member hook outside its provider fail loudly. */
export const mizan = createMizanReact<ExampleRouter>({ members: { todoList: 'todos', statsReads: 'stats' } })
