/**
 * The `rpc` and `ctx` requests of one socket, through the same dispatcher core as HTTP. Each
 * is answered under its `id`, and the in-flight table keeps ids unique and their number bounded.
 */
import superjson from 'superjson'
import { MizanError } from '../../../shared/errors.ts'
import { ROUTES } from '../../../shared/protocol.ts'
import { envelopeOf } from '../../http-parts.ts'
import type { SessionLink, WsEnv } from './env.ts'
import { isRecord, pyText, type Frame, type RpcId } from './frames.ts'

function errorObject(error: MizanError): Record<string, unknown> {
  const { error: _flag, ...rest } = envelopeOf(error)
  return rest
}

export class SessionRequests {
  private readonly inflight = new Set<string>()

  constructor(
    private readonly env: WsEnv,
    private readonly session: SessionLink,
  ) {}

  get size(): number {
    return this.inflight.size
  }

  private reply(id: RpcId, outcome: { data: unknown } | { error: MizanError }): void {
    if ('data' in outcome) this.session.send({ id, ok: true, data: outcome.data })
    else this.session.send({ id, ok: false, error: errorObject(outcome.error) })
  }

  /** The request's id when it may proceed; otherwise it has been answered. */
  private admit(frame: Frame, kind: 'RPC' | 'ctx'): RpcId | undefined {
    const id = frame['id']
    if (id === undefined || id === null) {
      this.session.send({ error: `${kind} request missing 'id' field` })
      return undefined
    }
    if (typeof id !== 'string' && typeof id !== 'number') {
      this.session.send({ error: `${kind} 'id' must be a string or a number` })
      return undefined
    }
    const key = JSON.stringify(id)
    if (this.inflight.has(key)) {
      // No `id` on this frame: the request already running under that id still gets its own answer.
      this.session.send({ error: `${kind} id ${key} is already in flight` })
      return undefined
    }
    const { maxInFlight } = this.env.limits
    if (this.inflight.size >= maxInFlight) {
      this.reply(id, { error: new MizanError('BAD_REQUEST', `Too many requests in flight (max ${maxInFlight})`) })
      return undefined
    }
    this.inflight.add(key)
    return id
  }

  async rpc(frame: Frame): Promise<void> {
    const id = this.admit(frame, 'RPC')
    if (id === undefined) return
    const { router, core, rpcMode, httpPrefix, path } = this.env
    try {
      const fn = frame['fn']
      if (!fn) throw new MizanError('BAD_REQUEST', "Missing 'fn' field")
      const reg = typeof fn === 'string' ? router.functions.get(fn) : undefined
      if (!reg) throw new MizanError('NOT_FOUND', `Function '${pyText(fn)}' not found`)
      if (reg.fn.options.private) throw new MizanError('FORBIDDEN', 'Function is not client-callable')
      if (rpcMode === 'websocket-only' && !reg.fn.options.websocket) {
        throw new MizanError('FORBIDDEN', `This function is HTTP-only. Use POST ${httpPrefix}${ROUTES.call} instead.`)
      }
      const ctx = await this.session.context()
      const { body } = await core.invoke(reg, frame['args'], frame['meta'], ctx, frame['superjson'] === true)
      this.reply(id, { data: body })
    } catch (error) {
      this.reply(id, { error: this.session.asMizanError(error, typeof frame['fn'] === 'string' ? frame['fn'] : path) })
    } finally {
      this.inflight.delete(JSON.stringify(id))
    }
  }

  async ctx(frame: Frame): Promise<void> {
    const id = this.admit(frame, 'ctx')
    if (id === undefined) return
    const { router, core } = this.env
    try {
      const name = frame['context']
      if (!name) throw new MizanError('BAD_REQUEST', "Missing 'context' field")
      const ctxDef = typeof name === 'string' ? router.contexts.get(name) : undefined
      if (!ctxDef) throw new MizanError('NOT_FOUND', `Context '${pyText(name)}' not found`)
      const params = frame['params'] ?? {}
      if (!isRecord(params)) throw new MizanError('BAD_REQUEST', "'params' must be an object")
      const ctx = await this.session.context()
      if (frame['superjson'] === true) {
        const { json, meta } = superjson.serialize(await core.bundle(ctxDef, params, ctx))
        this.session.send(meta ? { id, ok: true, data: json, meta } : { id, ok: true, data: json })
        return
      }
      const { body } = await core.contextText(ctxDef, params, ctx)
      // The bundle text (possibly straight from the origin cache) is spliced in, not re-serialized.
      this.session.sendText(`{"id":${JSON.stringify(id)},"ok":true,"data":${body}}`)
    } catch (error) {
      this.reply(id, { error: this.session.asMizanError(error, `ctx ${pyText(frame['context'])}`) })
    } finally {
      this.inflight.delete(JSON.stringify(id))
    }
  }
}
