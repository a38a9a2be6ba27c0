import { createMizanReact } from '../../../src/client/createMizanReact.ts'
import { infinite } from '../../../src/client/react/infinite.ts'
import { members } from '../../../src/client/react/members.ts'
import { optimistic } from '../../../src/client/react/optimistic.ts'
import { suspense } from '../../../src/client/react/suspense.ts'
import type { ExampleRouter } from '../server/router.ts'

/** The browser's handle, with the opt-in plug-ins the pages use; `members` makes a member hook outside its provider fail loudly. */
export const mizan = createMizanReact<ExampleRouter>({ use: [suspense, infinite, optimistic, members<ExampleRouter>({ todoList: 'todos', statsReads: 'stats' })] })
