/**
 * Errors a function declares: `defineErrors({ OUT_OF_STOCK: { status: 409, details: schema } })`
 * gives one typed constructor per code; a function lists the set as `errors`, its handler
 * throws `Errors.OUT_OF_STOCK({ sku })`, and the client's error for that function is a union
 * of exactly those codes (with their `details` types) and the protocol's own. On the wire they
 * are the protocol's envelope (`code`, `message`, `details`), so any client reads them.
 */
import { MizanError } from '../shared/errors.ts'
import { ERROR_STATUS } from '../shared/protocol.ts'
import type { AnySchema, SchemaArg, SchemaInput } from '../shared/types.ts'
import { validateMaybeSync } from './schema.ts'

/** One declared error: its HTTP status (default 400), the schema of its `details`, a default message. */
export interface ErrorSpec {
  readonly status?: number
  readonly details?: SchemaArg
  readonly message?: string
}

export type ErrorSpecs = Record<string, ErrorSpec>

/** What `errors` accepts: a set from `defineErrors`, read by the types through `~errors`. */
export interface ErrorSetLike {
  readonly '~errors': ErrorSpecs
}

/** The constructor of one declared error: details first when the error has a `details` schema. */
export type ErrorFactory<TSpec extends ErrorSpec> = TSpec extends { readonly details: SchemaArg }
  ? (details: SchemaInput<TSpec['details']>, message?: string) => MizanError
  : (message?: string) => MizanError

export type ErrorSet<TSpecs extends ErrorSpecs> = { readonly [C in keyof TSpecs]: ErrorFactory<TSpecs[C]> } & { readonly '~errors': TSpecs }

/** Codes the protocol or the client already mean something by: a declared error may not take one. */
const RESERVED = new Set([...Object.keys(ERROR_STATUS), 'NETWORK_ERROR', 'ABORTED', 'INVALID_RESPONSE', 'RATE_LIMITED'])

/** Which set made a thrown error, so the executor can tell a declared error from a stray one. */
const DECLARED_BY = new WeakMap<MizanError, ErrorSetLike>()

export function defineErrors<const TSpecs extends ErrorSpecs>(specs: TSpecs): ErrorSet<TSpecs> {
  const set: Record<string, unknown> = { '~errors': specs }
  for (const [code, spec] of Object.entries(specs)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new TypeError(`defineErrors: '${code}' is not an error code (UPPER_SNAKE_CASE)`)
    if (RESERVED.has(code) || code.startsWith('HTTP_')) throw new TypeError(`defineErrors: '${code}' is one of the protocol's own codes`)
    const status = spec.status ?? 400
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`defineErrors: the status of '${code}' must be a 4xx or 5xx`)
    const schema = spec.details as AnySchema | undefined
    set[code] = (...args: unknown[]): Error => {
      const [given, message] = schema ? [args[0], args[1]] : [undefined, args[0]]
      let details: Record<string, unknown> | undefined
      if (schema) {
        const outcome = validateMaybeSync(schema, given)
        // Reported as an internal error by the executor: a handler sent details its own declaration refuses.
        if (outcome instanceof Promise) return new TypeError(`the details schema of '${code}' must validate synchronously`)
        if (!outcome.ok) return new TypeError(`details of '${code}' do not match its schema: ${JSON.stringify(outcome.fields)}`)
        details = outcome.value as Record<string, unknown>
      }
      const error = new MizanError(code as never, typeof message === 'string' ? message : (spec.message ?? code), { status, ...(details ? { details } : {}) })
      DECLARED_BY.set(error, set as unknown as ErrorSetLike)
      return error
    }
  }
  return Object.freeze(set) as ErrorSet<TSpecs>
}

/**
 * A declared error thrown by a function that does not declare it is a bug in the server, not an
 * answer the client was promised: `undefined` when `error` may go out, else why not.
 */
export function undeclaredError(error: MizanError, declared: ErrorSetLike | undefined): string | undefined {
  const set = DECLARED_BY.get(error)
  if (!set) return undefined
  // The same declaration (a set, or one built by spreading it), not merely the same code name.
  if (declared && Object.hasOwn(declared['~errors'], error.code) && declared['~errors'][error.code] === set['~errors'][error.code]) return undefined
  return `the declared error '${error.code}' was thrown by a function that does not list it in \`errors\``
}
