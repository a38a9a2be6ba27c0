/**
 * The round-2 fixture (test/interop/python/fixture_app/round2.py, issue #28) written with our
 * API, on top of the primary twin: the golden `r2-*` cases were recorded on a server that
 * serves both. A separate router, so the primary twin's IR export still matches fixture.kdl.
 */
import { z } from 'zod'
import { createMizan, MizanError } from '../../../src/server/index.ts'
import { izanaFixtureRouter, type FixtureUser } from './izana-fixture-router.ts'

const { defineClient, createRouter } = createMizan<FixtureUser>()

export function createRound2State() {
  return { gateVisits: 0, touched: new Map<number, number>() }
}

export const round2State = { current: createRound2State() }

const Line = z.object({ book_id: z.number().int(), qty: z.number().int().default(1) })
const Order = z.object({ items: z.array(Line), total: z.number().int(), rating: z.number().nullable(), gift: z.boolean() })
const Visits = z.object({ count: z.number().int() })
const BigOut = z.object({ value: z.bigint(), halves: z.array(z.bigint()) })

type LineIn = z.output<typeof Line>
const order = (items: LineIn[], rating: number | null, gift: boolean) => ({ items, total: items.reduce((sum, l) => sum + l.qty, 0), rating, gift })

/** Python's `//`: floor division, also for negative bigints. */
const floorDiv = (a: bigint, b: bigint) => (a % b !== 0n && a < 0n !== b < 0n ? a / b - 1n : a / b)

const round2Defs = {
  bigEcho: defineClient({ input: z.object({ n: z.bigint() }), output: z.object({ result: z.bigint() }) }, ({ n }) => ({ result: n })),
  bigNext: defineClient({ input: z.object({ n: z.bigint() }), output: BigOut }, ({ n }) => ({ value: n + 1n, halves: [floorDiv(n, 2n), n - floorDiv(n, 2n)] })),
  gateCheck: defineClient({ context: 'gate', input: z.object({ key: z.string() }), output: z.object({ key: z.string() }) }, ({ key }) => {
    if (key !== 'open') throw new MizanError('NOT_FOUND', 'Gate is closed')
    return { key }
  }),
  gateVisit: defineClient({ context: 'gate', cache: false, output: Visits }, () => ({ count: ++round2State.current.gateVisits })),
  gateVisits: defineClient({ output: Visits }, () => ({ count: round2State.current.gateVisits })),
  half: defineClient({ input: z.object({ score: z.number() }), output: z.object({ result: z.number() }) }, ({ score }) => ({ result: score / 2 })),
  isFinite: defineClient({ input: z.object({ score: z.number() }), output: z.object({ result: z.boolean() }) }, ({ score }) => ({ result: Number.isFinite(score) })),
  placeOrder: defineClient(
    { input: z.object({ items: z.array(Line), rating: z.number().nullable().default(null), gift: z.boolean().default(false) }), output: Order },
    ({ items, rating, gift }) => order(items, rating, gift),
  ),
  rateBooks: defineClient({ affects: 'ratings', input: z.object({ min_rating: z.number() }), output: Visits }, ({ min_rating }) => ({ count: Math.trunc(min_rating) })),
  shelfItem: defineClient({ context: 'shelf', input: z.object({ book_id: z.number().int() }), output: z.object({ book_id: z.number().int(), touched: z.number().int() }) }, ({ book_id }) => ({
    book_id,
    touched: round2State.current.touched.get(book_id) ?? 0,
  })),
  topRated: defineClient(
    { context: 'ratings', input: z.object({ min_rating: z.number().default(0) }), output: z.object({ min_rating: z.number(), count: z.number().int() }) },
    ({ min_rating }) => ({ min_rating, count: Math.trunc(min_rating) }),
  ),
  touchShelf: defineClient({ route: '/shelf/<int:book_id>/touch/', affects: 'shelf', input: z.object({ book_id: z.number().int() }) }, ({ book_id }) => {
    round2State.current.touched.set(book_id, (round2State.current.touched.get(book_id) ?? 0) + 1)
    return new Response(`touched ${book_id}`, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  }),
  wsBigEcho: defineClient({ websocket: true, input: z.object({ n: z.bigint() }), output: z.object({ result: z.bigint() }) }, ({ n }) => ({ result: n })),
  wsBuggy: defineClient({ websocket: true, output: Visits }, (): { count: number } => {
    throw new Error('secret internals')
  }),
  wsInvalid: defineClient({ websocket: true, output: Visits }, (): { count: number } => {
    throw new MizanError('VALIDATION_ERROR', 'Bad shelf', { details: { fields: { shelf: ['Unknown shelf'] } } })
  }),
  wsNotFound: defineClient({ websocket: true, input: z.object({ book_id: z.number().int() }), output: Visits }, ({ book_id }): { count: number } => {
    throw new MizanError('NOT_FOUND', 'Book not found', { details: { book_id } })
  }),
  wsNotImplemented: defineClient({ websocket: true, output: Visits }, (): { count: number } => {
    throw new MizanError('NOT_IMPLEMENTED', 'coming soon')
  }),
  wsOrder: defineClient({ websocket: true, input: z.object({ items: z.array(Line) }), output: Order }, ({ items }) => order(items, null, false)),
  wsPermission: defineClient({ websocket: true, output: Visits }, (): { count: number } => {
    throw new MizanError('FORBIDDEN', 'no shelf for you')
  }),
}

export const round2FixtureRouter = createRouter({ ...izanaFixtureRouter.defs, ...round2Defs })
