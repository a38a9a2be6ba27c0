/**
 * `POST {prefix}/batch/` (PROTOCOL.md §16): several calls and context reads in one request,
 * each answered on its own, as if it had come alone. Only a client told so by the server's
 * `X-Mizan-Features` sends one; a Python backend has no such route and is never sent one.
 */
import { MizanError } from '../shared/errors.ts'
import type { InvalidateEntry } from '../shared/protocol.ts'
import type { MizanUser, RequestContext } from './defineClient.ts'
import type { DispatchCore } from './dispatch-core.ts'
import type { MizanRequest } from './dispatch-types.ts'
import { envelopeOf } from './http-parts.ts'
import type { AnyServerRouter } from './router.ts'

export interface BatchDeps {
  router: AnyServerRouter
  core: DispatchCore
  maxItems: number
  notFound(fn: unknown): string
  /** `privateFunctions: 'not-found'`: a private function answers as an unknown one. */
  hidePrivate?: boolean
  failure(error: unknown, where: string): MizanError
}

export interface BatchAnswer {
  /** The `{"batch": [...]}` body, items spliced in as JSON text. */
  body: string
  invalidate: InvalidateEntry[]
  /** Each item's request context, for the headers its handler set. */
  contexts: RequestContext<MizanUser>[]
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

function itemError(error: MizanError): string {
  return JSON.stringify({ ...envelopeOf(error), status: error.status })
}

/** Runs the items together (as separate requests would run) and answers them in order. */
export async function runBatch(req: MizanRequest, body: unknown, deps: BatchDeps, wantsMeta: boolean): Promise<BatchAnswer> {
  const items = isRecord(body) ? body['batch'] : undefined
  if (!Array.isArray(items)) throw new MizanError('BAD_REQUEST', "Batch body must be {\"batch\": [...]}")
  if (items.length === 0) throw new MizanError('BAD_REQUEST', 'Batch is empty')
  if (items.length > deps.maxItems) throw new MizanError('BAD_REQUEST', `Batch of ${items.length} items exceeds ${deps.maxItems}`)
  const invalidate: InvalidateEntry[] = []
  const contexts: RequestContext<MizanUser>[] = []
  const answers = await Promise.all(
    items.map(async (item: unknown) => {
      try {
        const ctx = await deps.core.requestContext(req)
        contexts.push(ctx)
        return await answerItem(item, ctx, deps, wantsMeta, invalidate)
      } catch (error) {
        return itemError(deps.failure(error, 'batch'))
      }
    }),
  )
  return { body: `{"batch":[${answers.join(',')}]}`, invalidate, contexts }
}

async function answerItem(item: unknown, ctx: RequestContext<MizanUser>, deps: BatchDeps, wantsMeta: boolean, invalidate: InvalidateEntry[]): Promise<string> {
  if (!isRecord(item)) throw new MizanError('BAD_REQUEST', 'Batch item must be a JSON object')
  const { router, core } = deps
  if (item['context'] !== undefined) {
    const name = item['context']
    const ctxDef = typeof name === 'string' ? router.contexts.get(name) : undefined
    if (!ctxDef) throw new MizanError('NOT_FOUND', `Context '${String(name)}' not found`)
    const params = item['params'] ?? {}
    if (!isRecord(params)) throw new MizanError('BAD_REQUEST', "'params' must be an object")
    // Params travel as the query string would carry them: strings, coerced per member.
    const query: Record<string, string> = Object.create(null)
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) query[k] = String(v)
    const { body } = await core.contextText(ctxDef, query, ctx)
    return `{"result":${body}}`
  }
  const fn = item['fn']
  if (!fn) throw new MizanError('BAD_REQUEST', "Missing 'fn' field")
  const reg = typeof fn === 'string' ? router.functions.get(fn) : undefined
  // The name as sent, not String(fn): `{"toString":1}` makes String() throw.
  if (!reg || (deps.hidePrivate && reg.fn.options.private)) throw new MizanError('NOT_FOUND', deps.notFound(fn))
  if (reg.fn.options.private) throw new MizanError('FORBIDDEN', 'Function is not client-callable')
  if (reg.fn.options.stream) throw new MizanError('BAD_REQUEST', `Function '${reg.wireName}' streams its result; it cannot be batched`, { status: 406 })
  const invocation = await core.invoke(reg, item['args'], item['meta'], ctx, wantsMeta)
  if (invocation.stream) {
    void invocation.stream.items.close()
    invocation.stream.settle()
    throw new MizanError('BAD_REQUEST', `Function '${reg.wireName}' streams its result; it cannot be batched`, { status: 406 })
  }
  if (invocation.response) throw new MizanError('BAD_REQUEST', `Function '${reg.wireName}' answers with its own response; call it alone`)
  invalidate.push(...invocation.invalidate)
  return JSON.stringify(invocation.body)
}
