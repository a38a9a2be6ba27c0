import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { createCaller, createMizan, defineClient, type Middleware, type RequestContext } from '../../src/server/index.ts'
import { prefetchForSSR } from '../../src/server/ssr/prefetch.ts'

interface AppUser {
  id: number
  email: string
}
const mizan = createMizan<AppUser>().withContext((req) => ({ tenant: req.headers.get('x-tenant') ?? 'public', flags: new Set<string>() }))

describe('request context types', () => {
  it('reaches handlers, auth, forms and channel hooks', () => {
    mizan.defineClient({ auth: (ctx) => ctx.tenant !== 'blocked' && ctx.user?.email !== undefined }, (_input, ctx) => {
      expectTypeOf(ctx.tenant).toEqualTypeOf<string>()
      expectTypeOf(ctx.flags).toEqualTypeOf<Set<string>>()
      expectTypeOf(ctx.user).toEqualTypeOf<AppUser | null>()
      // @ts-expect-error the context has no such key
      void ctx.db
    })
    mizan.defineForm({ schema: z.object({ a: z.string() }), auth: (ctx) => ctx.flags.has('forms'), onSubmit: (_values, ctx) => ctx.tenant })
    mizan.defineChannel({
      message: z.object({ text: z.string() }),
      authorize: (_params, ctx) => ctx.tenant === 'acme',
      onMessage: (message, _params, ctx) => ({ text: `${ctx.tenant}: ${message.text}` }),
    })
  })

  it('is absent without withContext', () => {
    createMizan<AppUser>().defineClient({}, (_input, ctx) => {
      // @ts-expect-error no request context was declared
      void ctx.tenant
    })
    defineClient({}, (_input, ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<RequestContext>()
    })
  })
})

describe('middleware types', () => {
  it('extends the context for later middleware and the handler', () => {
    const timing = mizan.middleware(async (_opts, next) => next({ ctx: { startedAt: 0 } }))
    expectTypeOf(timing).toEqualTypeOf<Middleware<RequestContext<AppUser> & { tenant: string; flags: Set<string> }, { startedAt: number }>>()
    const procedure = mizan.defineClient.use(timing).use(({ ctx }, next) => {
      expectTypeOf(ctx.startedAt).toEqualTypeOf<number>()
      expectTypeOf(ctx.tenant).toEqualTypeOf<string>()
      return next({ ctx: { label: `${ctx.tenant}@${ctx.startedAt}` } })
    })
    procedure({ input: z.object({ n: z.number() }) }, (input, ctx) => {
      expectTypeOf(input).toEqualTypeOf<{ n: number }>()
      expectTypeOf(ctx.startedAt).toEqualTypeOf<number>()
      expectTypeOf(ctx.label).toEqualTypeOf<string>()
      expectTypeOf(ctx.user).toEqualTypeOf<AppUser | null>()
      // @ts-expect-error only what a middleware passed to next() is added
      void ctx.finishedAt
    })
    // A middleware that passes nothing adds nothing.
    mizan.defineClient.use((_opts, next) => next())({}, (_input, ctx) => {
      // @ts-expect-error nothing was added
      void ctx.startedAt
    })
  })

  it('sees the outcome of next() and may only return a result of it', () => {
    mizan.defineClient.use(async (opts, next) => {
      expectTypeOf(opts.fn).toEqualTypeOf<string>()
      expectTypeOf(opts.rawInput).toEqualTypeOf<unknown>()
      const result = await next()
      if (!result.ok) expectTypeOf(result.error.code).toEqualTypeOf<import('../../src/shared/protocol.ts').ClientErrorCode>()
      return result
    })
    // @ts-expect-error a middleware returns what next() resolved to
    mizan.defineClient.use(async () => ({ done: true }))
  })

  it('refuses a middleware that needs context keys the definer does not have', () => {
    const needsDb: Middleware<{ db: { query(): void } }, {}> = ({ ctx }, next) => {
      ctx.db.query()
      return next()
    }
    // @ts-expect-error this app's context has no `db`
    mizan.defineClient.use(needsDb)
    createMizan().withContext(() => ({ db: { query() {} } })).defineClient.use(needsDb)
    // Works on the default definer too.
    defineClient.use((_opts, next) => next({ ctx: { requestId: 'x' } }))({}, (_input, ctx) => expectTypeOf(ctx.requestId).toEqualTypeOf<string>())
  })
})

describe('context policies', () => {
  it("a context's authorize sees the app's context", () => {
    const pageTitle = mizan.defineClient({ context: 'page', input: z.object({ slug: z.string() }) }, () => 'title')
    mizan.createRouter(
      { pageTitle },
      {
        contexts: {
          page: {
            authorize: (params, ctx) => {
              expectTypeOf(params.slug).toEqualTypeOf<string>()
              expectTypeOf(ctx.user).toEqualTypeOf<AppUser | null>()
              // @ts-expect-error the app's context has no such key
              void ctx.db
              return ctx.flags.has(params.slug) && ctx.tenant !== 'blocked'
            },
          },
        },
      },
    )
  })
})

describe('createCaller types', () => {
  const router = mizan.createRouter({ hello: mizan.defineClient({}, (_input, ctx) => ctx.tenant) })

  it("takes the app's user and context", () => {
    createCaller(router, { user: { id: 1, email: 'a@b.c' }, context: { tenant: 't', flags: new Set<string>() } })
    // @ts-expect-error the app's user has an email
    createCaller(router, { user: { id: 1 } })
    // @ts-expect-error the context's tenant is a string
    createCaller(router, { context: { tenant: 1, flags: new Set<string>() } })
    // @ts-expect-error a context must be whole
    createCaller(router, { context: { tenant: 't' } })
    expectTypeOf(createCaller(router).hello).returns.resolves.toEqualTypeOf<string>()
  })

  it('types SSR prefetch with the same user', () => {
    void prefetchForSSR({ router, user: { id: 1, email: 'a@b.c' } })
    // @ts-expect-error the app's user has an email
    void prefetchForSSR({ router, user: { id: 1 } })
  })
})
