/**
 * The `rpc` and `ctx` requests of one socket, through the same dispatcher core as HTTP. Each
 * is answered under its `id`, and the in-flight table keeps ids unique and their number bounded.
 */
import superjson from 'superjson'
import { MizanError } from '../../../shared/errors.ts'
import { ROUTES } from '../../../shared/protocol.ts'
import { envelopeOf } from '../../http-parts.ts'
import type { RegisteredFunction } from '../../router.ts'
import type { SessionLink, WsEnv } from './env.ts'
import { isRecord, pyText, type Frame, type RpcId } from './frames.ts'
import { notAStreamReader } from '../../streaming/stream-source.ts'
import type { MizanUser, RequestContext } from '../../defineClient.ts'
import type { Invocation } from '../../dispatch-core.ts'
import { SessionStreams } from './streams.ts'

function errorObject(error: MizanError): Record<string, unknown> {
  const { error: _flag, ...rest } = envelopeOf(error)
  return rest
}

export class SessionRequests {
  private readonly inflight = new Set<RpcId>()
  readonly streams: SessionStreams

  constructor(
    private readonly env: WsEnv,
    private readonly session: SessionLink,
  ) {
    this.streams = new SessionStreams(session, env.formatError)
  }

  get size(): number {
    return this.inflight.size
  }

  private reply(id: RpcId, outcome: { data: unknown } | { error: MizanError }): void {
    if ('data' in outcome) this.session.send({ id, ok: true, data: outcome.data })
    else this.session.send({ id, ok: false, error: errorObject(this.env.formatError(outcome.error)) })
  }

  /**
   * The request's id when it may proceed; otherwise it has been answered. The caller enters the
   * id in the in-flight table before anything of the request is left to a later turn.
   */
  private admit(frame: Frame, kind: 'RPC' | 'ctx'): RpcId | undefined {
    const id = frame['id']
    if (id === undefined || id === null) {
      this.session.refuse(new MizanError('BAD_REQUEST', `${kind} request missing 'id' field`))
      return undefined
    }
    if (typeof id !== 'string' && typeof id !== 'number') {
      this.session.refuse(new MizanError('BAD_REQUEST', `${kind} 'id' must be a string or a number`))
      return undefined
    }
    if (this.inflight.size !== 0 && this.inflight.has(id)) {
      // No `id` on this frame: the request already running under that id still gets its own answer.
      this.session.refuse(new MizanError('BAD_REQUEST', `${kind} id ${JSON.stringify(id)} is already in flight`))
      return undefined
    }
    const { maxInFlight } = this.env.limits
    if (this.inflight.size >= maxInFlight) {
      this.reply(id, { error: new MizanError('BAD_REQUEST', `Too many requests in flight (max ${maxInFlight})`) })
      return undefined
    }
    return id
  }

  /** Answered in the same tick when nothing on the way is async, so a read's replies share one write. */
  rpc(frame: Frame): void {
    const id = this.admit(frame, 'RPC')
    if (id === undefined) return
    const fn = frame['fn']
    try {
      const reg = this.lookup(fn)
      if (frame['stream'] === true) return this.stream(id, reg, frame)
      if (reg.fn.options.stream) throw notAStreamReader(reg, 'ws')
      const args = frame['args']
      const meta = frame['meta']
      const wantsMeta = frame['superjson'] === true
      const { core } = this.env
      const ctx = this.session.contextMaybeSync()
      const invocation = ctx instanceof Promise ? ctx.then((c) => core.invokeMaybeSync(reg, args, meta, c, wantsMeta)) : core.invokeMaybeSync(reg, args, meta, ctx, wantsMeta)
      if (invocation instanceof Promise) {
        // Only a call that outlives this turn is in flight: one answered now cannot collide with a later id.
        this.inflight.add(id)
        invocation
          .then(
            (inv) => this.settle(id, { data: inv.body }),
            (error: unknown) => this.settle(id, { error: this.session.asMizanError(error, typeof fn === 'string' ? fn : this.env.path) }),
          )
          // Sending never throws (Session.textOf); should anything on the way still fail, it is reported, never left unhandled.
          .catch((error: unknown) => this.env.report(error, { fn: this.env.path }))
      } else {
        this.session.send({ id, ok: true, data: invocation.body })
      }
    } catch (error) {
      this.reply(id, { error: this.session.asMizanError(error, typeof fn === 'string' ? fn : this.env.path) })
    }
  }

  /** An rpc frame that asked for a stream: items as frames until the final one (streams.ts). */
  private stream(id: RpcId, reg: RegisteredFunction, frame: Frame): void {
    this.inflight.add(id)
    const controller = new AbortController()
    const fail = (error: unknown) => this.settle(id, { error: this.session.asMizanError(error, reg.wireName) })
    const begin = (ctx: RequestContext<MizanUser>) => {
      // The stream's own signal: a cancel frame wakes a generator that awaits something.
      const socketSignal = ctx.signal
      ctx.signal = AbortSignal.any([socketSignal, controller.signal])
      return this.env.core.invoke(reg, frame['args'], frame['meta'], ctx, false)
    }
    Promise.resolve(this.session.contextMaybeSync())
      .then(begin)
      .then((invocation: Invocation) => {
        if (!invocation.stream) return this.settle(id, { data: invocation.body })
        const final: Record<string, unknown> = {}
        if (invocation.body.invalidate) final['invalidate'] = invocation.body.invalidate
        return this.streams.run(id, invocation.stream.items, controller, final, invocation.stream.settle).finally(() => this.inflight.delete(id))
      })
      .catch(fail)
  }

  /** `{"action": "cancel", "id"}`: stop a stream of this socket (an unknown id is ignored, it may have just ended). */
  cancel(frame: Frame): void {
    const id = frame['id']
    if ((typeof id === 'string' || typeof id === 'number') && this.streams.cancel(id)) this.inflight.delete(id)
  }

  private settle(id: RpcId, outcome: { data: unknown } | { error: MizanError }): void {
    this.inflight.delete(id)
    this.reply(id, outcome)
  }

  private lookup(fn: unknown): RegisteredFunction {
    const { router, rpcMode, httpPrefix, hidePrivate } = this.env
    if (!fn) throw new MizanError('BAD_REQUEST', "Missing 'fn' field")
    const reg = typeof fn === 'string' ? router.functions.get(fn) : undefined
    if (!reg || (hidePrivate && reg.fn.options.private)) throw new MizanError('NOT_FOUND', `Function '${pyText(fn)}' not found`)
    // The reference's consumer checks the transport before the executor checks `private`.
    if (rpcMode === 'websocket-only' && !reg.fn.options.websocket) {
      throw new MizanError('FORBIDDEN', `This function is HTTP-only. Use POST ${httpPrefix}${ROUTES.call} instead.`)
    }
    if (reg.fn.options.private) throw new MizanError('FORBIDDEN', 'Function is not client-callable')
    return reg
  }

  async ctx(frame: Frame): Promise<void> {
    const id = this.admit(frame, 'ctx')
    if (id === undefined) return
    this.inflight.add(id)
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
      this.inflight.delete(id)
    }
  }
}
