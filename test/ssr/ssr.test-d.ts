import { describe, expectTypeOf, it } from 'vitest'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import { createMizan } from '../../src/server/index.ts'
import { prefetchForSSR, type MizanSSRPage } from '../../src/server/ssr/index.ts'
import { formsRouter } from '../forms/forms-router.ts'

describe('prefetchForSSR', () => {
  it('types what a page may declare by the router', () => {
    expectTypeOf(
      prefetchForSSR({
        router: formsRouter,
        contexts: [{ context: 'inbox', params: { user_id: 1 } }, { context: 'global' }],
        calls: [{ call: 'recentSenders', args: { user_id: 1 } }],
        forms: ['contact', 'feedback'],
        dialect: 'izana',
      }),
    ).toEqualTypeOf<Promise<MizanSSRPage>>()
    // @ts-expect-error the inbox context needs its user_id
    void prefetchForSSR({ router: formsRouter, contexts: [{ context: 'inbox' }] })
    // @ts-expect-error no such context
    void prefetchForSSR({ router: formsRouter, contexts: [{ context: 'outbox' }] })
    // @ts-expect-error a param of the wrong type would miss the browser's cache key
    void prefetchForSSR({ router: formsRouter, contexts: [{ context: 'inbox', params: { user_id: '1' } }] })
    // @ts-expect-error recentSenders needs its args
    void prefetchForSSR({ router: formsRouter, calls: [{ call: 'recentSenders' }] })
    // @ts-expect-error a context member is not a call
    void prefetchForSSR({ router: formsRouter, calls: [{ call: 'inboxCount', args: { user_id: 1 } }] })
    // @ts-expect-error not a form
    void prefetchForSSR({ router: formsRouter, forms: ['recentSenders'] })
    // @ts-expect-error not a dialect
    void prefetchForSSR({ router: formsRouter, dialect: 'django' })
  })
})

describe('hook names', () => {
  it('a key ending in Form gets no function hook, since use<X>Form names forms', () => {
    const { defineClient, createRouter } = createMizan()
    const router = createRouter({ signupForm: defineClient({}, () => ({ ok: true })), ping: defineClient({}, () => ({ ok: true })) })
    const mizan = createMizanReact<typeof router>()
    // @ts-expect-error would be read as the form `signup`
    void mizan.useSignupForm
    expectTypeOf(mizan.usePing).toBeFunction()
    // Still callable through the option factories.
    void mizan.mutationOptions('signupForm')
  })
})
