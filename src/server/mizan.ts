import { createDefineClient, type MizanUser } from './defineClient.ts'
import { createDefineForm } from './forms/define-form.ts'
import { createRouter } from './router.ts'

/**
 * One place to bind the app's user type, tRPC-style:
 * `const { defineClient, defineForm, createRouter } = createMizan<AppUser>()`.
 */
export function createMizan<TUser extends MizanUser = MizanUser>() {
  return { defineClient: createDefineClient<TUser>(), defineForm: createDefineForm<TUser>(), createRouter }
}
