import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import type { DeclaredError, ErrorOf, MizanError } from '../../src/client/index.ts'
import { defineClient, defineErrors } from '../../src/server/index.ts'
import { OrderErrors, type TypedErrorsRouter } from './typed-errors-router.ts'

type OrderError = DeclaredError<'OUT_OF_STOCK', { sku: string; available: number }> | DeclaredError<'CARD_DECLINED', undefined>

describe('typed errors', () => {
  it("a function's error type is exactly its declared errors plus the protocol's", () => {
    expectTypeOf<ErrorOf<TypedErrorsRouter, 'placeOrder'>>().toEqualTypeOf<OrderError | MizanError>()
    expectTypeOf<ErrorOf<TypedErrorsRouter, 'plain'>>().toEqualTypeOf<MizanError>()
    // Over several functions: what any of them may fail with.
    expectTypeOf<ErrorOf<TypedErrorsRouter, 'plain' | 'placeOrder'>>().toEqualTypeOf<OrderError | MizanError>()
  })

  it("is the hook's error, narrowed by code", () => {
    const mizan = createMizanReact<TypedErrorsRouter>()
    const error = mizan.usePlaceOrder().error
    expectTypeOf(error).toEqualTypeOf<OrderError | MizanError | null>()
    if (error?.code === 'OUT_OF_STOCK') expectTypeOf(error.details).toEqualTypeOf<{ sku: string; available: number }>()
    if (error?.code === 'CARD_DECLINED') expectTypeOf(error.details).toEqualTypeOf<undefined>()
    if (error?.code === 'VALIDATION_ERROR') expectTypeOf(error.fieldErrors).toEqualTypeOf<Record<string, string[]>>()
    // @ts-expect-error placeOrder declares no such code
    if (error?.code === 'QUOTA_EXCEEDED') void error
    expectTypeOf(mizan.usePlain().error).toEqualTypeOf<MizanError | null>()
    expectTypeOf(mizan.queryOptions.call('placeOrder', { sku: 'a', qty: 1 }).throwOnError).toMatchTypeOf<boolean | ((error: OrderError | MizanError, query: never) => boolean) | undefined>()
  })

  it('the helper takes the declared details, and a message', () => {
    OrderErrors.OUT_OF_STOCK({ sku: 'a', available: 1 })
    OrderErrors.OUT_OF_STOCK({ sku: 'a', available: 1 }, 'Sold out')
    OrderErrors.CARD_DECLINED()
    OrderErrors.CARD_DECLINED('Declined')
    // @ts-expect-error details are required when the error has a schema
    OrderErrors.OUT_OF_STOCK()
    // @ts-expect-error details must match the schema
    OrderErrors.OUT_OF_STOCK({ sku: 1, available: 1 })
    // @ts-expect-error an error without a schema takes no details
    OrderErrors.CARD_DECLINED({ reason: 'x' })
    // @ts-expect-error not declared in this set
    void OrderErrors.QUOTA_EXCEEDED
  })

  it('errors takes a set from defineErrors only', () => {
    defineClient({ errors: defineErrors({ GONE: { status: 410 } }) }, () => 1)
    // @ts-expect-error a plain object is not an error set
    defineClient({ errors: { GONE: { status: 410 } } }, () => 1)
    void z
  })
})
