'use server'
import { createServerAction } from '../../../src/server/server-action.ts'
import { router } from '../server/router.ts'

/**
 * A server action: runs `addTodo` in-process and answers `{ ok, result, invalidate, merge }`
 * (or `{ ok: false, error }`), which the client applies with `applyMizanResponse`.
 */
export async function addTodoAction(title: string) {
  return createServerAction(router, 'addTodo')({ title })
}
