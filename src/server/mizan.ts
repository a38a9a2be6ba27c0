import { createDefineClient, defineClient, type MizanUser } from './defineClient.ts'
import { createDefineChannel, defineChannel } from './channels/define-channel.ts'
import { createDefineForm, defineForm } from './forms/define-form.ts'
import { createRouter, type Router, type RouterOptions } from './router.ts'
import type { RouterEntryShape } from '../shared/types.ts'

/** `createRouter` with the app's user type in its context policies' `ctx`. */
export type CreateRouter<TUser extends MizanUser> = <const TDefs extends Record<string, RouterEntryShape>>(defs: TDefs, options?: RouterOptions<TDefs, TUser>) => Router<TDefs>

/** What `createMizan<TUser>()` hands out: the definers bound to the app's user type. */
export interface Mizan<TUser extends MizanUser> {
  defineClient: ReturnType<typeof createDefineClient<TUser>>
  defineForm: ReturnType<typeof createDefineForm<TUser>>
  defineChannel: ReturnType<typeof createDefineChannel<TUser>>
  createRouter: CreateRouter<TUser>
}

/**
 * What `createMizan()` hands out for the default user shape: the module's own definers, whose
 * signatures mention no outer type parameter. (A definer returned for a user type is a generic
 * signature instantiated with it, which the compiler instantiates once more on every call: for
 * a router of thousands of functions, about a twentieth of its check time.)
 */
export interface DefaultMizan {
  defineClient: typeof defineClient
  defineForm: typeof defineForm
  defineChannel: typeof defineChannel
  createRouter: typeof createRouter
}

/**
 * One place to bind the app's user type, tRPC-style:
 * `const { defineClient, defineForm, defineChannel, createRouter } = createMizan<AppUser>()`.
 */
export function createMizan(): DefaultMizan
export function createMizan<TUser extends MizanUser>(): Mizan<TUser>
export function createMizan<TUser extends MizanUser = MizanUser>(): Mizan<TUser> {
  return { defineClient: createDefineClient<TUser>(), defineForm: createDefineForm<TUser>(), defineChannel: createDefineChannel<TUser>(), createRouter: createRouter as CreateRouter<TUser> }
}
