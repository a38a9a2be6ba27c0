/** A router whose functions declare typed errors (`defineErrors`), for the runtime and type tests. */
import { z } from 'zod'
import { createMizan, defineErrors } from '../../src/server/index.ts'

export const OrderErrors = defineErrors({
  OUT_OF_STOCK: { status: 409, details: z.object({ sku: z.string(), available: z.number().int() }), message: 'Not enough stock' },
  CARD_DECLINED: { status: 402 },
})
export const OtherErrors = defineErrors({ QUOTA_EXCEEDED: { status: 403, details: z.object({ limit: z.number() }) } })

const { defineClient, createRouter } = createMizan()

export const placeOrder = defineClient(
  { input: z.object({ sku: z.string(), qty: z.number().int() }), errors: OrderErrors },
  ({ sku, qty }) => {
    if (sku === 'card') throw OrderErrors.CARD_DECLINED('The card was declined')
    // Declared details that do not match their own schema: a server bug, answered as INTERNAL_ERROR.
    if (sku === 'bad-details') throw OrderErrors.OUT_OF_STOCK({ sku, available: 0.5 })
    // An error this function does not declare: also a server bug.
    if (sku === 'undeclared') throw OtherErrors.QUOTA_EXCEEDED({ limit: 1 })
    if (qty > 3) throw OrderErrors.OUT_OF_STOCK({ sku, available: 3 })
    return { ordered: qty }
  },
)
export const plain = defineClient({}, () => 'ok')

export const typedErrorsRouter = createRouter({ placeOrder, plain })
export type TypedErrorsRouter = typeof typedErrorsRouter
