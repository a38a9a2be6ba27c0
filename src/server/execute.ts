import { MizanError } from '../shared/errors.ts'
import type { AuthRequirement, MizanUser, RequestContext } from './defineClient.ts'
import type { RegisteredFunction } from './router.ts'
import { coerceParam, validateMaybeSync, type ValidationOutcome } from './schema.ts'
import { isResponse } from './is-response.ts'
import { isStreamSource } from './streaming/stream-source.ts'
import { runMiddleware } from './middleware.ts'
import { undeclaredError } from './typed-errors.ts'

/**
 * `'lax'` (default) converts args the way Pydantic's lax mode does ("2" → 2, "1_0" → 10,
 * "true" → true), nested in lists and objects too, before the schema sees them, as the
 * reference backend accepts them;
 * `'strict'` hands the schema the JSON exactly as sent.
 */
export type Coercion = 'lax' | 'strict'

function coerceLax(reg: RegisteredFunction, args: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined
  for (const param of reg.laxParams) {
    // An inherited property (`toString`) is a function or an object, which coercion leaves alone.
    const value = args[param.name]
    const coerced = coerceParam(param, value)
    if (coerced !== value) (out ??= { ...args })[param.name] = coerced
  }
  return out ?? args
}

export type ErrorReporter = (error: unknown, where: { fn: string }) => void

/** A hung handler must not hold its caller forever: it answers 504 and is reported. */
function withTimeout<T>(running: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MizanError('INTERNAL_ERROR', `Server function timed out after ${ms} ms`, { status: 504 })), ms)
  })
  return Promise.race([running, timeout]).finally(() => clearTimeout(timer))
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

/**
 * Auth is enforced before the input is even looked at, as in the reference. A predicate denies
 * with a message of its own by throwing a `MizanError` (the reference's `PermissionError`);
 * anything else it throws is a bug whose text (a connection string, say) must not reach the
 * client: it is reported, and the caller is denied with the generic message.
 */
export async function enforceAuth(requirement: AuthRequirement<MizanUser> | undefined, ctx: RequestContext<MizanUser>, report?: ErrorReporter, where = 'auth'): Promise<void> {
  if (requirement === undefined) return
  if (typeof requirement === 'function') {
    let allowed: boolean
    try {
      allowed = await requirement(ctx)
    } catch (error) {
      if (error instanceof MizanError) throw error
      report?.(error, { fn: where })
      throw new MizanError('FORBIDDEN', 'Access denied')
    }
    if (!allowed) throw new MizanError('FORBIDDEN', 'Access denied')
    return
  }
  const user = ctx.user
  if (!user) throw new MizanError('UNAUTHORIZED', 'Authentication required')
  if (requirement === 'staff' && !user.isStaff) throw new MizanError('FORBIDDEN', 'Staff access required')
  if (requirement === 'superuser' && !user.isSuperuser) throw new MizanError('FORBIDDEN', 'Superuser access required')
}

function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'string') return 'str'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  return typeof value
}

function isEmptyInput(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return true
  if (Array.isArray(value)) return value.length === 0
  if (typeof value !== 'object') return false
  // Object.keys(value).length === 0 (own enumerable string keys) without building the array.
  for (const key in value) if (Object.hasOwn(value, key)) return false
  return true
}

/** Parse `args` the way the reference does: falsy means "nothing given", a non-object is a bad request. */
export async function parseInput(reg: RegisteredFunction, args: unknown, coercion: Coercion = 'lax'): Promise<unknown> {
  if (!reg.fn.options.input) return undefined
  return parseInputMaybeSync(reg, args, coercion)
}

/** `parseInput` without a promise when the schema validates synchronously; throws synchronously. */
function parseInputMaybeSync(reg: RegisteredFunction, args: unknown, coercion: Coercion): unknown {
  const schema = reg.fn.options.input
  if (!schema) return undefined
  const empty = isEmptyInput(args)
  if (!empty && (typeof args !== 'object' || Array.isArray(args) || args === null)) {
    throw new MizanError('BAD_REQUEST', `Input must be an object, not ${pythonTypeName(args)}`)
  }
  if (empty) {
    const required = reg.params.filter((p) => p.required).map((p) => p.name)
    if (required.length) {
      throw new MizanError('VALIDATION_ERROR', 'Input validation failed', {
        details: { fields: Object.fromEntries(required.map((name) => [name, ['Field required']])) },
      })
    }
  }
  const given = empty ? {} : (args as Record<string, unknown>)
  const outcome = validateMaybeSync(schema, coercion === 'lax' ? coerceLax(reg, given) : given)
  return outcome instanceof Promise ? outcome.then(inputOutcome) : inputOutcome(outcome)
}

function inputOutcome(outcome: ValidationOutcome): unknown {
  if (!outcome.ok) {
    throw new MizanError('VALIDATION_ERROR', 'Input validation failed', { details: { fields: outcome.fields } })
  }
  return outcome.value
}

/**
 * Runs one function end to end: auth, input, handler, output. Every failure leaves as a
 * `MizanError`; anything else a handler throws becomes INTERNAL_ERROR and is reported.
 */
export async function executeFunction(...args: Parameters<typeof executeMaybeSync>): Promise<unknown> {
  return executeMaybeSync(...args)
}

/**
 * `executeFunction` without a promise when nothing on the way is async (no auth check, a
 * synchronous schema and handler): the HTTP fast path then answers in the same tick. It may
 * throw synchronously; `executeFunction` turns that into a rejection.
 */
export function executeMaybeSync(
  reg: RegisteredFunction,
  args: unknown,
  ctx: RequestContext<MizanUser>,
  report: ErrorReporter,
  coercion: Coercion = 'lax',
  timeoutMs?: number,
): unknown {
  const run = reg.fn.options.middleware ? withMiddleware : afterAuth
  if (reg.fn.options.auth !== undefined) {
    return enforceAuth(reg.fn.options.auth, ctx, report, reg.wireName).then(() => run(reg, args, ctx, report, coercion, timeoutMs))
  }
  return run(reg, args, ctx, report, coercion, timeoutMs)
}

/** Auth first (a middleware never runs for a caller the function refuses), then the chain around input and handler. */
function withMiddleware(reg: RegisteredFunction, args: unknown, ctx: RequestContext<MizanUser>, report: ErrorReporter, coercion: Coercion, timeoutMs: number | undefined): Promise<unknown> {
  return runMiddleware(
    reg.fn.options.middleware ?? [],
    { fn: reg.wireName, key: reg.key, type: reg.fn.options.context ? 'query' : 'call', rawInput: args },
    ctx,
    (inner) => afterAuth(reg, args, inner as RequestContext<MizanUser>, report, coercion, timeoutMs),
    (error) => clientFailure(reg, error, report),
    isStreamSource,
  )
}

function afterAuth(reg: RegisteredFunction, args: unknown, ctx: RequestContext<MizanUser>, report: ErrorReporter, coercion: Coercion, timeoutMs: number | undefined): unknown {
  if (!reg.fn.options.input) return runHandler(reg, undefined, ctx, report, timeoutMs)
  const input = parseInputMaybeSync(reg, args, coercion)
  return input instanceof Promise
    ? input.then((value) => runHandler(reg, value, ctx, report, timeoutMs))
    : runHandler(reg, input, ctx, report, timeoutMs)
}

/** The error a client may see for `error`: a `MizanError` as it is, anything else reported and hidden. */
function clientFailure(reg: RegisteredFunction, error: unknown, report: ErrorReporter): MizanError {
  if (error instanceof MizanError) {
    const undeclared = undeclaredError(error, reg.fn.options.errors)
    if (undeclared === undefined) return error
    report(new Error(undeclared, { cause: error }), { fn: reg.wireName })
    return new MizanError('INTERNAL_ERROR', 'An internal error occurred')
  }
  report(error, { fn: reg.wireName })
  return new MizanError('INTERNAL_ERROR', 'An internal error occurred', { cause: error })
}

function handlerFailure(reg: RegisteredFunction, error: unknown, report: ErrorReporter): never {
  throw clientFailure(reg, error, report)
}

function runHandler(reg: RegisteredFunction, input: unknown, ctx: RequestContext<MizanUser>, report: ErrorReporter, timeoutMs: number | undefined): unknown {
  const limit = reg.fn.options.timeoutMs ?? timeoutMs
  let produced: unknown
  try {
    produced = reg.fn.handler(input, ctx)
  } catch (error) {
    handlerFailure(reg, error, report)
  }
  // A handler that answered synchronously has nothing left to time out: no timer, no race.
  if (isThenable(produced)) {
    const running = Promise.resolve(produced)
    return (limit ? withTimeout(running, limit) : running).then(
      (output) => checkOutput(reg, output, report),
      (error: unknown) => handlerFailure(reg, error, report),
    )
  }
  return checkOutput(reg, produced, report)
}

function checkOutput(reg: RegisteredFunction, output: unknown, report: ErrorReporter): unknown {
  // A stream's items are checked one by one as they leave (streaming/stream-source.ts).
  if (isResponse(output) || isStreamSource(output)) return output
  const schema = reg.fn.options.output
  // A wrapped result (a form's `{success, data}`) is checked on the part the schema describes.
  const described = reg.fn.options.outputOf ? reg.fn.options.outputOf(output) : output
  if (schema && described !== undefined) {
    const outcome = validateMaybeSync(schema, described)
    return outcome instanceof Promise ? outcome.then((o) => outputOutcome(reg, output, o, report)) : outputOutcome(reg, output, outcome, report)
  }
  return output ?? null
}

function outputOutcome(reg: RegisteredFunction, output: unknown, outcome: ValidationOutcome, report: ErrorReporter): unknown {
  if (!outcome.ok) {
    report(new Error(`output of '${reg.wireName}' does not match its schema: ${JSON.stringify(outcome.fields)}`), { fn: reg.wireName })
    throw new MizanError('INTERNAL_ERROR', 'An internal error occurred')
  }
  if (reg.fn.options.outputOf) return output
  return outcome.value ?? null
}
