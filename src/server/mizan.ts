import { createDefineClient, type defineClient, type DefineClient, type MizanUser, type RequestContext } from './defineClient.ts'
import { createDefineChannel, type defineChannel } from './channels/define-channel.ts'
import { createDefineForm, type defineForm } from './forms/define-form.ts'
import type { Middleware } from './middleware.ts'
import { createRouter, type RequestContextFactory, type Router, type RouterEnv, type RouterOptions } from './router.ts'
import type { RouterEntryShape } from '../shared/types.ts'

/**
 * `createRouter`, its routers carrying the app's user and context types (for `createCaller`),
 * and its context policies' `authorize` seeing them in `ctx`.
 */
export type CreateRouter<TUser extends MizanUser, TCtx extends object> = <const TDefs extends Record<string, RouterEntryShape>>(
  defs: TDefs,
  options?: RouterOptions<TDefs, TUser, TCtx>,
) => Router<TDefs, RouterEnv<TUser, TCtx>>

/** What `createMizan<TUser>()` hands out: the definers bound to the app's user type and request context. */
export interface Mizan<TUser extends MizanUser, TCtx extends object = {}> {
  defineClient: DefineClient<TUser, TCtx>
  defineForm: ReturnType<typeof createDefineForm<TUser, TCtx>>
  defineChannel: ReturnType<typeof createDefineChannel<TUser, TCtx>>
  createRouter: CreateRouter<TUser, TCtx>
  /**
   * The same definers with a request context: `factory` runs once per request (after the user
   * is resolved) and what it returns is merged into the context every handler, middleware,
   * `auth`, context `authorize` and channel hook receives, typed. The in-process caller takes
   * it as `context`.
   */
  withContext<TNext extends object>(factory: RequestContextFactory<TUser, TNext>): Mizan<TUser, TNext>
  /** A typed identity for a reusable middleware: `defineClient.use(middleware(...))`. */
  middleware<TExt extends object>(fn: Middleware<RequestContext<TUser> & TCtx, TExt>): Middleware<RequestContext<TUser> & TCtx, TExt>
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
  withContext<TNext extends object>(factory: RequestContextFactory<MizanUser, TNext>): Mizan<MizanUser, TNext>
  middleware<TExt extends object>(fn: Middleware<RequestContext<MizanUser>, TExt>): Middleware<RequestContext<MizanUser>, TExt>
}

function bind<TUser extends MizanUser, TCtx extends object>(factory: RequestContextFactory | undefined): Mizan<TUser, TCtx> {
  return {
    defineClient: createDefineClient<TUser, TCtx>(),
    defineForm: createDefineForm<TUser, TCtx>(),
    defineChannel: createDefineChannel<TUser, TCtx>(),
    createRouter: ((defs: Record<string, RouterEntryShape>, options?: RouterOptions<Record<string, RouterEntryShape>>) => {
      const router = createRouter(defs, options)
      return factory ? Object.assign(router, { requestContext: factory }) : router
    }) as CreateRouter<TUser, TCtx>,
    withContext: (next) => bind(next as unknown as RequestContextFactory),
    middleware: (fn) => fn,
  }
}

/**
 * One place to bind the app's user type, tRPC-style:
 * `const { defineClient, defineForm, defineChannel, createRouter } = createMizan<AppUser>()`,
 * and its request context: `createMizan<AppUser>().withContext((req, { user }) => ({ db }))`.
 */
export function createMizan(): DefaultMizan
export function createMizan<TUser extends MizanUser>(): Mizan<TUser>
export function createMizan<TUser extends MizanUser = MizanUser>(): Mizan<TUser> | DefaultMizan {
  const bound = bind<TUser, {}>(undefined)
  return { ...bound, createRouter } as Mizan<TUser>
}
