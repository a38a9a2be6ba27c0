/**
 * The channel frames of one socket: `subscribe`, `unsubscribe` and client `message`s, with the
 * reference's answers. The socket joins each hub group once, however many of its subscriptions
 * share it, and hears the group's broadcasts through one listener.
 */
import { MizanError } from '../../../shared/errors.ts'
import { broadcastFrame, canonicalJson, parseWith } from '../../channels/hub.ts'
import type { RegisteredChannel } from '../../channels/define-channel.ts'
import type { MizanUser, RequestContext } from '../../defineClient.ts'
import { releaseEach, type SessionLink, type WsEnv } from './env.ts'
import { pyText, type Frame } from './frames.ts'

const subscriptionKey = (name: string, params: unknown) => `${name}\u0000${canonicalJson(params ?? {})}`

export class ChannelSubscriptions {
  /** channel + canonical params → the subscription. */
  private readonly subs = new Map<string, { reg: RegisteredChannel; group: string }>()
  /** group → subscriptions of this socket in it: the socket joins each group once. */
  private readonly groups = new Map<string, number>()
  private readonly onGroupFrame = (frame: string) => this.session.sendText(frame)

  constructor(
    private readonly env: WsEnv,
    private readonly session: SessionLink,
  ) {}

  get size(): number {
    return this.subs.size
  }

  private channelOf(frame: Frame): RegisteredChannel | undefined {
    const name = frame['channel']
    const reg = typeof name === 'string' ? this.env.router.channels.get(name) : undefined
    if (!reg) this.session.refuse(new MizanError('NOT_FOUND', `Unknown channel: ${pyText(name)}`))
    return reg
  }

  /** Validated params, or `undefined` once the error frame is sent. */
  private async paramsOf(reg: RegisteredChannel, frame: Frame): Promise<{ value: unknown } | undefined> {
    const parsed = await parseWith(reg.def.options.params, frame['params'] ?? {})
    if (parsed.ok) return { value: parsed.value }
    this.session.refuse(new MizanError('VALIDATION_ERROR', `Invalid params: ${parsed.text}`), { channel: reg.name })
    return undefined
  }

  /** Runs the channel's `authorize` with a freshly resolved identity; answers and returns `undefined` on refusal. */
  private async authorized(reg: RegisteredChannel, params: unknown): Promise<RequestContext<MizanUser> | undefined> {
    try {
      const ctx = await this.session.context()
      const allowed = reg.def.options.authorize ? await reg.def.options.authorize(params, ctx) : true
      if (allowed) return ctx
      this.session.refuse(new MizanError('FORBIDDEN', 'Not authorized'), { channel: reg.name })
    } catch (error) {
      const failure = this.session.asMizanError(error, `channel ${reg.name}`)
      // A refusal says only "Not authorized", whatever the hook threw, unless it chose another code and message.
      const told = failure.code !== 'FORBIDDEN' && failure.code !== 'INTERNAL_ERROR' ? failure : new MizanError('FORBIDDEN', 'Not authorized', { cause: failure.cause ?? failure })
      this.session.refuse(told, { channel: reg.name })
    }
    return undefined
  }

  async subscribe(frame: Frame): Promise<void> {
    const reg = this.channelOf(frame)
    if (!reg) return
    const params = await this.paramsOf(reg, frame)
    if (!params) return
    const echo = frame['params'] ?? {}
    const key = subscriptionKey(reg.name, params.value)
    const { maxSubscriptions } = this.env.limits
    if (this.subs.has(key)) return this.session.refuse(new MizanError('BAD_REQUEST', `Already subscribed to ${reg.name}`), { channel: reg.name, params: echo })
    if (this.session.subscriptionCount >= maxSubscriptions) {
      return this.session.refuse(new MizanError('BAD_REQUEST', `Too many subscriptions (max ${maxSubscriptions})`), { channel: reg.name, params: echo })
    }
    if (!(await this.authorized(reg, params.value))) return
    if (this.session.closed) return
    const group = this.env.hub.groupOf(reg.def, reg.name, params.value)
    this.subs.set(key, { reg, group })
    await this.joinGroup(group)
    this.session.send({ subscribed: true, channel: reg.name, params: echo })
  }

  async unsubscribe(frame: Frame): Promise<void> {
    const reg = this.channelOf(frame)
    if (!reg) return
    const echo = frame['params'] ?? {}
    const parsed = await parseWith(reg.def.options.params, echo)
    const key = parsed.ok ? subscriptionKey(reg.name, parsed.value) : undefined
    const sub = key === undefined ? undefined : this.subs.get(key)
    if (key !== undefined && sub) {
      this.subs.delete(key)
      await this.leaveGroup(sub.group)
    }
    this.session.send({ unsubscribed: true, channel: reg.name, params: echo })
  }

  async message(frame: Frame): Promise<void> {
    const reg = this.channelOf(frame)
    if (!reg) return
    const params = await this.paramsOf(reg, frame)
    if (!params) return
    const sub = this.subs.get(subscriptionKey(reg.name, params.value))
    if (!sub) return this.session.refuse(new MizanError('BAD_REQUEST', `Not subscribed to ${reg.name}`), { channel: reg.name })
    const { onMessage, clientMessage, message, type } = reg.def.options
    if (!onMessage) return this.session.refuse(new MizanError('BAD_REQUEST', `Channel ${reg.name} does not accept client messages`), { channel: reg.name })
    const data = await parseWith(clientMessage ?? message, frame['data'])
    if (!data.ok) return this.session.refuse(new MizanError('VALIDATION_ERROR', `Invalid message: ${data.text}`), { channel: reg.name })
    const ctx = await this.authorized(reg, params.value)
    if (!ctx) return
    let out: unknown
    try {
      out = await onMessage(data.value, params.value, ctx)
    } catch (error) {
      return this.session.refuse(this.session.asMizanError(error, `channel ${reg.name}`), { channel: reg.name })
    }
    if (out === undefined || out === null) return
    const checked = await parseWith(message, out)
    if (!checked.ok) {
      const bug = new Error(`onMessage of channel '${reg.name}' returned a message that does not match its schema: ${checked.text}`)
      return this.session.refuse(this.session.asMizanError(bug, `channel ${reg.name}`), { channel: reg.name })
    }
    await this.env.hub.publishFrame(sub.group, broadcastFrame(reg.name, params.value, type, checked.value))
  }

  private async joinGroup(group: string): Promise<void> {
    const count = this.groups.get(group) ?? 0
    this.groups.set(group, count + 1)
    if (count === 0) await this.env.hub.join(group, this.onGroupFrame)
  }

  private async leaveGroup(group: string): Promise<void> {
    const count = (this.groups.get(group) ?? 1) - 1
    if (count > 0) return void this.groups.set(group, count)
    this.groups.delete(group)
    await this.env.hub.leave(group, this.onGroupFrame)
  }

  /**
   * Forget every subscription now; the returned step leaves the hub's groups, including any a
   * subscribe still running joins meanwhile, so it is to run once the session's pending work is done.
   */
  detach(): () => Promise<void> {
    const groups = [...this.groups.keys()]
    this.groups.clear()
    this.subs.clear()
    return () => releaseEach(this.env, [...groups, ...this.groups.keys()], (group) => this.env.hub.leave(group, this.onGroupFrame))
  }
}
