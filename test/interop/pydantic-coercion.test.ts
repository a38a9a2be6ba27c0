/**
 * Lax coercion against the real Pydantic (2.x, in the interop venv): thousands of generated
 * strings and JSON values, read into int / float / bool / str, and nested orders read into a
 * model with lists, optionals and dicts. One Python process answers the whole batch; every
 * case must agree with ours.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { coerceLax } from '../../src/server/lax-coercion.ts'
import { laxScalar, REFUSED, type LaxScalarKind } from '../../src/server/lax-scalars.ts'
import { inputShapeOf, validateWith } from '../../src/server/schema.ts'
import type { AnySchema } from '../../src/shared/types.ts'
import { runPython } from './python-venv.ts'

/** mulberry32: the same cases on every run, so a disagreement is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const random = prng(28)
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
const int = (n: number) => Math.floor(random() * n)

const SPACES = [' ', '\t', '\n', '\u000b', '\u001c', '\u00a0', '\u0085', '\ufeff', '\u2003', '\u200b', '\u3000']
const PIECES = ['0', '1', '7', '9', '_', '.', 'e', 'E', '+', '-', 'i', 'n', 'f', 'a', 't', 'y', 'o', 'x', 'r', 'u', 's', 'l', 'N', 'I', 'T', 'F', 'Y', '٣', '０', ...SPACES]
const WORDS = ['true', 'false', 'yes', 'no', 'on', 'off', 't', 'f', 'y', 'n', '1', '0', 'inf', 'infinity', 'nan', 'none', 'null', 'tru', 'infinit']

const digits = (n: number) => Array.from({ length: n }, () => String(int(10))).join('')
const withUnderscores = (s: string) => [...s].map((c) => (random() < 0.15 ? `${c}${random() < 0.1 ? '__' : '_'}` : c)).join('')
const randomCase = (s: string) => [...s].map((c) => (random() < 0.5 ? c.toUpperCase() : c)).join('')
const wrap = (s: string) => (random() < 0.25 ? `${random() < 0.5 ? pick(SPACES) : ''}${s}${random() < 0.5 ? pick(SPACES) : ''}` : s)
const sign = () => (random() < 0.3 ? pick(['+', '-', '', '--', '+-']) : '')

function numeric(): string {
  let s = sign() + withUnderscores(digits(int(4) === 0 ? 0 : 1 + int(random() < 0.2 ? 25 : 6)))
  if (random() < 0.4) s += '.' + withUnderscores(random() < 0.4 ? '0'.repeat(int(4)) : digits(int(4)))
  if (random() < 0.25) s += pick(['e', 'E']) + pick(['', '+', '-', '_']) + digits(int(4))
  if (random() < 0.05) s = pick(['_', '.']) + s
  if (random() < 0.05) s += pick(['_', '.', 'x', '_0'])
  return wrap(s)
}

function generateStrings(count: number): string[] {
  const out = new Set<string>(['', ' ', '1_0', '1e1', '1e0', 'inf', '-Infinity', 'NaN', '9007199254740993', '-9007199254740993', '1'.repeat(4300), '1'.repeat(4301), '0'.repeat(4400) + '7', '1.0', '1.', '.5'])
  while (out.size < count) {
    const r = random()
    if (r < 0.45) out.add(numeric())
    else if (r < 0.75) out.add(wrap(sign() + randomCase(pick(WORDS))))
    else out.add(Array.from({ length: int(9) }, () => pick(PIECES)).join(''))
  }
  return [...out]
}

// Safe integers only: a JS number beyond 2^53 is no longer the literal a peer sent (big literals are the JSON parser's job).
const JSON_VALUES: unknown[] = [0, 1, -1, 2, 1.5, -0.5, 2.0, 1e15, 1.5e300, -1e-7, 9007199254740991, -9007199254740991, 0.1, true, false, null, [], {}, [1], { a: 1 }]

const KINDS: Record<string, LaxScalarKind[]> = { int: ['integer', 'bigint'], float: ['number'], bool: ['boolean'], str: ['string'] }

/** Python's answer in our terms: the same int digits, the same double (NaN and -0 included), the same bool or string. */
function agrees(kind: LaxScalarKind, ours: unknown, python: string): boolean {
  switch (kind) {
    case 'integer':
    case 'bigint':
      return (typeof ours === 'number' || typeof ours === 'bigint') && (kind === 'integer' || typeof ours === 'bigint') && String(ours) === python
    case 'number': {
      const want = python === 'inf' ? Infinity : python === '-inf' ? -Infinity : python === 'nan' ? NaN : Number(python)
      return Object.is(ours, want)
    }
    case 'boolean':
      return String(ours === true ? 'True' : ours === false ? 'False' : ours) === python
    case 'string':
      return ours === python
  }
}

const Item = z.object({ book_id: z.bigint(), qty: z.bigint().default(1n) })
const Order = z.object({
  items: z.array(Item),
  rating: z.number().nullable().default(null),
  gift: z.boolean().default(false),
  note: z.string().default(''),
  flags: z.record(z.string(), z.boolean()).default({}),
})
const orderShape = inputShapeOf(Order as unknown as AnySchema)

/** Python's `repr(float)`: the same shortest digits as JS, but scientific below 1e-4 and from 1e16. */
function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  if (Object.is(x, -0)) return '-0.0'
  const [mantissa, exp] = x.toExponential().split('e') as [string, string]
  const e = Number(exp)
  if (x !== 0 && (e < -4 || e >= 16)) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
  const fixed = String(x)
  return fixed.includes('.') || fixed.includes('e') ? fixed : `${fixed}.0`
}

function tag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tag)
  if (typeof value === 'bigint') return `i:${value}`
  if (typeof value === 'boolean') return `b:${value ? 'True' : 'False'}`
  if (typeof value === 'number') return `f:${pyFloatRepr(value)}`
  if (typeof value === 'string') return `s:${value}`
  if (value === null) return null
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, tag(v)]))
}

function generateOrders(count: number, strings: string[]): unknown[] {
  const scalar = () => (random() < 0.8 ? pick(strings.filter((s) => s.length < 40)) : pick(JSON_VALUES))
  return Array.from({ length: count }, () => {
    const order: Record<string, unknown> = { items: Array.from({ length: int(3) }, () => (random() < 0.9 ? { book_id: scalar(), ...(random() < 0.5 ? { qty: scalar() } : {}) } : scalar())) }
    if (random() < 0.5) order['rating'] = random() < 0.2 ? null : scalar()
    if (random() < 0.5) order['gift'] = scalar()
    if (random() < 0.3) order['note'] = scalar()
    if (random() < 0.3) order['flags'] = { a: scalar(), b: scalar() }
    return order
  })
}

describe('lax coercion agrees with the real Pydantic', () => {
  it('on every generated scalar and nested order', { timeout: 60_000 }, async ({ annotate }) => {
    const strings = generateStrings(3000)
    const values = [...strings, ...JSON_VALUES]
    const scalars = Object.keys(KINDS).flatMap((py) => values.map((v) => [py, v] as [string, unknown]))
    const orders = generateOrders(600, strings)
    const answer = JSON.parse(await runPython('pydantic_table.py', [], JSON.stringify({ scalars, orders }))) as {
      scalars: [boolean, string | null][]
      orders: [boolean, unknown][]
    }

    const disagreements: string[] = []
    let compared = 0
    scalars.forEach(([py, value], i) => {
      const [ok, text] = answer.scalars[i]!
      for (const kind of KINDS[py]!) {
        compared++
        const ours = laxScalar(kind, value)
        const same = ok ? ours !== REFUSED && agrees(kind, ours, text!) : ours === REFUSED
        if (!same) disagreements.push(`${kind} ${JSON.stringify(value)}: pydantic ${ok ? text : 'refuses'}, ours ${ours === REFUSED ? 'refuses' : String(ours)}`)
      }
    })

    // Nested: coercion at every depth, then the Zod twin of the model validates.
    let nonFinite = 0
    for (const [i, order] of orders.entries()) {
      compared++
      const [ok, canonical] = answer.orders[i]!
      const outcome = await validateWith(Order as unknown as AnySchema, coerceLax(orderShape, order))
      const pythonText = JSON.stringify(canonical)
      // z.number() takes finite numbers only; Python's float takes inf/nan (PROTOCOL.md §15).
      if (ok && !outcome.ok && /"f:(-?inf|nan)"/.test(pythonText)) {
        nonFinite++
        continue
      }
      const ourText = outcome.ok ? JSON.stringify(tag(outcome.value)) : null
      if (ok !== outcome.ok || (ok && ourText !== pythonText)) {
        disagreements.push(`order ${JSON.stringify(order)}: pydantic ${ok ? pythonText : 'refuses'}, ours ${outcome.ok ? ourText : JSON.stringify(outcome.fields)}`)
      }
    }

    const accepted = answer.scalars.filter(([ok]) => ok).length + answer.orders.filter(([ok]) => ok).length
    await annotate(
      `${compared} cases (${values.length} inputs × 5 scalar kinds, ${orders.length} nested orders; Pydantic accepts ${accepted} of its ${answer.scalars.length + orders.length}): ${disagreements.length} disagreements with Pydantic; ${nonFinite} orders hold inf/nan, which z.number() refuses by design`,
      'interop-coercion',
    )
    expect(disagreements.slice(0, 20)).toEqual([])
    expect(compared).toBeGreaterThan(15_000)
  })
})
