import { createDefineClient, type MizanUser } from './defineClient.ts'
import { createDefineChannel } from './channels/define-channel.ts'
import { createDefineForm } from './forms/define-form.ts'
import { createRouter } from './router.ts'

/**
 * One place to bind the app's user type, tRPC-style:
 * `const { defineClient, defineForm, defineChannel, createRouter } = createMizan<AppUser>()`.
 */
export function createMizan<TUser extends MizanUser = MizanUser>() {
  return { defineClient: createDefineClient<TUser>(), defineForm: createDefineForm<TUser>(), defineChannel: createDefineChannel<TUser>(), createRouter }
}
