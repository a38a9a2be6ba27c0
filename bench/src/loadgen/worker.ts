/**
 * The load generator, in its own process (forked once by the orchestrator and kept warm), so
 * on a 2-core machine the server under test gets one core and the generator the other.
 * Every job is bounded by a duration and by a request count.
 */
import { Agent, request } from 'node:http'
import type { Socket } from 'node:net'
import autocannon from 'autocannon'
import WebSocket from 'ws'
import { serveJobs } from '../lib/child.ts'
import type { HttpJob, HttpResult, Job, LatencyJob, LatencyResult, WsHoldJob, WsRpcJob, WsRpcResult } from './jobs.ts'

async function http(job: HttpJob): Promise<HttpResult> {
  const result = await autocannon({
    url: job.url,
    method: job.method as 'POST',
    headers: job.headers,
    body: job.body,
    connections: job.connections,
    pipelining: job.pipelining,
    ...(job.exact ? { amount: job.maxRequests } : { duration: job.durationS, maxOverallRequests: job.maxRequests }),
    expectBody: job.expectBody,
    timeout: job.exact ? 120 : 10,
  })
  const durationS = result.duration
  return {
    requests: result.requests.total,
    durationS,
    rps: result.requests.total / durationS,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    mismatches: (result as unknown as { mismatches: number }).mismatches ?? 0,
    sent: result.requests.sent,
  }
}

/** Sequential requests on one keep-alive socket: the unloaded round trip, in microseconds. */
async function latency(job: LatencyJob): Promise<LatencyResult> {
  const url = new URL(job.url)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const one = () =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: job.method, headers: job.headers, agent },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => (body += c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
        },
      )
      req.on('error', reject)
      req.end(job.body)
    })
  const samples: number[] = []
  let bad = 0
  const deadline = Date.now() + job.maxMs
  for (let i = 0; i < job.warmup; i++) await one()
  while (samples.length < job.count && Date.now() < deadline) {
    const t0 = process.hrtime.bigint()
    const res = await one()
    samples.push(Number(process.hrtime.bigint() - t0) / 1000)
    if (res.status !== 200 || (job.expectBody !== undefined && res.body !== job.expectBody)) bad++
    if (job.expectHeader && res.headers[job.expectHeader[0]] !== job.expectHeader[1]) bad++
  }
  agent.destroy()
  samples.sort((a, b) => a - b)
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? NaN
  return { count: samples.length, bad, p50Us: q(0.5), p90Us: q(0.9), p99Us: q(0.99), meanUs: samples.reduce((a, b) => a + b, 0) / samples.length }
}

interface RpcProtocol {
  frame(id: number): string
  /**
   * The text that carries several frames issued in one tick, when the framework's own client
   * batches them (tRPC's wsLink sends them as one JSON array); otherwise each goes alone.
   */
  batch?(frames: string[]): string
  /** The id of a successful reply, or -1 for a failure. */
  idOf(text: string): number
  /** The ids of the replies an array frame carries (Mizan's batches), each as `idOf` judges it. */
  idsOf?(text: string): number[]
}

/**
 * Frames are built from the payload's JSON text, encoded once (the same bytes JSON.stringify of
 * the whole frame gives), so the generator spends its core on the wire, not on re-encoding.
 */
function protocolFor(job: WsRpcJob): RpcProtocol {
  const args = JSON.stringify(job.payload)
  const fn = JSON.stringify(job.fn)
  const asArray = (frames: string[]) => `[${frames.join(',')}]`
  // docs/PROTOCOL.md §9: {"action":"rpc","id","fn","args"} → {"id","ok":true,"data":{"result"}}
  const mizan = () => exactReplies((id) => `{"action":"rpc","id":${id},"fn":${fn},"args":${args}}`, (msg) => msg['ok'] === true)
  const echo = () => exactReplies((id) => `{"id":${id},"args":${args}}`, (msg) => msg['ok'] === true)
  switch (job.protocol) {
    case 'mizan':
      return mizan()
    case 'mizan-batch':
      // The client's `websocket: { batch: true }` (PROTOCOL.md §15): the frames of one turn as one
      // JSON array, and the replies the server writes in one turn come back as one.
      return { ...mizan(), batch: asArray }
    case 'trpc':
      // tRPC 11 over ws: {"id","method":"mutation","params":{"path","input"}} → {"id","result":{"type":"data","data"}}.
      // Its wsLink sends the calls made in one tick as one array frame; the server answers each alone.
      return {
        ...exactReplies((id) => `{"id":${id},"method":"mutation","params":{"path":${fn},"input":${args}}}`, (msg) => (msg['result'] as { type?: string } | undefined)?.type === 'data'),
        batch: asArray,
      }
    case 'echo':
      return echo()
    case 'echo-batch':
      return { ...echo(), batch: asArray }
  }
}

/**
 * Every reply is checked in full: the first one that parses as a success fixes the exact text
 * that follows the id, and each later reply must be `{"id":<its id>` plus those same bytes.
 * A reply that is not (an error, another shape) is parsed and judged by `succeeded` instead.
 */
function exactReplies(frame: (id: number) => string, succeeded: (msg: Record<string, unknown>) => boolean): RpcProtocol {
  const HEAD = '{"id":'
  let tail: string | undefined
  const parsed = (text: string): number => {
    const msg = JSON.parse(text) as Record<string, unknown>
    if (!succeeded(msg) || typeof msg['id'] !== 'number') return -1
    const digits = String(msg['id'])
    if (tail === undefined && text.startsWith(HEAD + digits)) tail = text.slice(HEAD.length + digits.length)
    return msg['id']
  }
  const idOf = (text: string): number => {
    if (tail === undefined || !text.startsWith(HEAD) || !text.endsWith(tail)) return parsed(text)
    const digits = text.slice(HEAD.length, text.length - tail.length)
    const id = Number(digits)
    return Number.isInteger(id) && String(id) === digits ? id : parsed(text)
  }
  /** An array frame read element by element against the same exact tail; anything unexpected is parsed in full. */
  const idsOf = (text: string): number[] => {
    const ids: number[] = []
    let at = 1
    while (tail !== undefined && text.startsWith(HEAD, at)) {
      let end = at + HEAD.length
      while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++
      if (end === at + HEAD.length || !text.startsWith(tail, end)) break
      ids.push(Number(text.slice(at + HEAD.length, end)))
      at = end + tail.length
      if (text[at] === ']' && at === text.length - 1) return ids
      if (text[at] !== ',') break
      at++
    }
    return (JSON.parse(text) as unknown[]).map((element) => idOf(JSON.stringify(element)))
  }
  return { frame, idOf, idsOf }
}

async function wsRpc(job: WsRpcJob): Promise<WsRpcResult> {
  const proto = protocolFor(job)
  const sockets = await Promise.all(
    Array.from({ length: job.connections }, () => new Promise<{ ws: WebSocket; queue: (frame: string) => void }>((resolve, reject) => {
      const ws = new WebSocket(job.url, { perMessageDeflate: false })
      let socket: Socket | undefined
      let pending: string[] = []
      // The frames sent in answer to one read leave together when the tick ends: in one write, as
      // a client that batches would send them, or as one frame where the framework's client does.
      const flush = () => {
        const frames = pending
        pending = []
        if (proto.batch && frames.length > 1) return ws.send(proto.batch(frames))
        socket?.cork()
        for (const frame of frames) ws.send(frame)
        socket?.uncork()
      }
      const queue = (frame: string) => {
        if (pending.push(frame) === 1) process.nextTick(flush)
      }
      ws.once('upgrade', (res) => {
        socket = res.socket as Socket
      })
      ws.once('open', () => resolve({ ws, queue }))
      ws.once('error', reject)
    })),
  )
  let done = 0
  let failed = 0
  let sent = 0
  let measuring = job.exact === true
  let stop = false
  let nextId = 1
  const t0 = { v: job.exact ? process.hrtime.bigint() : 0n }
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(finish, (job.durationS + job.warmupS) * 1000)
    const warm = setTimeout(() => {
      if (job.exact) return
      measuring = true
      done = 0
      failed = 0
      t0.v = process.hrtime.bigint()
    }, job.warmupS * 1000)
    function finish() {
      stop = true
      clearTimeout(deadline)
      clearTimeout(warm)
      resolve()
    }
    for (const { ws, queue } of sockets) {
      const replied = (id: number) => {
        if (id < 0) failed++
        else done++
        if (job.exact) {
          if (done + failed === sent && sent >= job.maxRequests) return finish()
          if (sent >= job.maxRequests) return
        } else if (measuring && done >= job.maxRequests) return finish()
        if (!stop) {
          sent++
          queue(proto.frame(nextId++))
        }
      }
      ws.on('message', (data) => {
        const text = data.toString()
        if (proto.idsOf && text.startsWith('[')) for (const id of proto.idsOf(text)) replied(id)
        else replied(proto.idOf(text))
      })
      for (let i = 0; i < job.inflight; i++) {
        sent++
        queue(proto.frame(nextId++))
      }
    }
  })
  const elapsedS = Number(process.hrtime.bigint() - t0.v) / 1e9
  for (const { ws } of sockets) ws.terminate()
  return { requests: done, sent, failed, durationS: elapsedS, rps: done / elapsedS }
}

let held: WebSocket[] = []

/** Open `count` idle sockets at a bounded rate; they stay open until `ws-release`. */
async function wsHold(job: WsHoldJob): Promise<{ opened: number; failed: number; ms: number }> {
  const started = Date.now()
  let failed = 0
  const deadline = started + job.maxMs
  for (let i = 0; i < job.count && Date.now() < deadline; i += job.batch) {
    const batch = Array.from({ length: Math.min(job.batch, job.count - i) }, () =>
      new Promise<void>((resolve) => {
        const ws = new WebSocket(job.url, { perMessageDeflate: false })
        ws.once('open', () => {
          held.push(ws)
          resolve()
        })
        ws.once('error', () => {
          failed++
          resolve()
        })
      }),
    )
    await Promise.all(batch)
  }
  return { opened: held.length, failed, ms: Date.now() - started }
}

serveJobs<Job>(async (job) => {
  switch (job.type) {
    case 'http':
      return http(job)
    case 'latency':
      return latency(job)
    case 'ws-rpc':
      return wsRpc(job)
    case 'ws-hold':
      return wsHold(job)
    case 'ws-release':
      for (const ws of held) ws.terminate()
      held = []
      return { released: true }
  }
})
