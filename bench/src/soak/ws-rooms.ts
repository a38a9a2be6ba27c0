/**
 * The soak's WebSocket rooms: thousands of sockets, each subscribed to a room, with periodic
 * publishes and RPCs, every delivery and reply accounted for. Opened, run and closed as three
 * jobs so the orchestrator can measure the server while the sockets are held.
 */
import WebSocket from 'ws'
import type { WsOpenJob, WsOpenResult, WsRunJob, WsRunResult } from './jobs.ts'
import { percentiles } from './latency.ts'

interface Member {
  ws: WebSocket
  room: string
  seen: Set<number>
  closedByUs: boolean
}

let members: Member[] = []
let rooms: Member[][] = []
const wsFailures: string[] = []
let unexpectedCloses = 0
let errorFrames = 0
let opened = 0
/** Frames the run phase handles; set while a run is on. */
let onFrame: ((m: Member, msg: Record<string, unknown>) => void) | undefined

function wsSample(text: string) {
  if (wsFailures.length < 10) wsFailures.push(text.slice(0, 300))
}

function openMember(url: string, room: string): Promise<Member | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    const member: Member = { ws, room, seen: new Set(), closedByUs: false }
    const timer = setTimeout(() => {
      ws.terminate()
      resolve('no subscribe ack within 20 s')
    }, 20_000)
    let subscribed = false
    ws.on('message', (data) => {
      let msg: Record<string, unknown>
      try {
        msg = JSON.parse(String(data)) as Record<string, unknown>
      } catch {
        errorFrames++
        return wsSample(`not JSON: ${String(data)}`)
      }
      if (!subscribed) {
        if (msg['subscribed'] === true) {
          subscribed = true
          clearTimeout(timer)
          return resolve(member)
        }
        clearTimeout(timer)
        ws.terminate()
        return resolve(`subscribe answered ${String(data)}`)
      }
      if ('error' in msg && !('id' in msg)) {
        errorFrames++
        return wsSample(`error frame: ${String(data)}`)
      }
      onFrame?.(member, msg)
    })
    ws.once('open', () => {
      opened++
      ws.send(JSON.stringify({ action: 'subscribe', channel: 'room', params: { room } }))
    })
    ws.on('error', (error) => {
      if (!subscribed) {
        clearTimeout(timer)
        resolve(`socket error: ${error.message}`)
      }
    })
    ws.on('close', (code, reason) => {
      if (subscribed && !member.closedByUs) {
        unexpectedCloses++
        wsSample(`closed by the server: ${code} ${String(reason)}`)
      }
    })
  })
}

export async function wsOpen(job: WsOpenJob): Promise<WsOpenResult> {
  const started = Date.now()
  const deadline = started + job.maxMs
  let failed = 0
  const failureSamples: string[] = []
  opened = 0
  rooms = Array.from({ length: job.rooms }, () => [])
  for (let i = 0; i < job.connections && Date.now() < deadline; i += job.batch) {
    const batch = Array.from({ length: Math.min(job.batch, job.connections - i) }, (_, k) => openMember(job.url, `room-${(i + k) % job.rooms}`))
    for (const outcome of await Promise.all(batch)) {
      if (typeof outcome === 'string') {
        failed++
        if (failureSamples.length < 5) failureSamples.push(outcome)
      } else {
        members.push(outcome)
        rooms[Number(outcome.room.slice(5))]!.push(outcome)
      }
    }
  }
  return { opened, subscribed: members.length, failed, failureSamples, ms: Date.now() - started }
}

export async function wsRun(job: WsRunJob): Promise<WsRunResult> {
  const expectedResult = JSON.stringify(job.payload)
  const rpcStart = new Map<number, number>()
  const announceIds = new Set<number>()
  const rpcLatency = new Float64Array(4_000_000)
  let rpcN = 0
  const rpc = { sent: 0, ok: 0, failed: 0 }
  const announce = { sent: 0, ok: 0, failed: 0 }
  const publishes = { client: 0, server: 0 }
  let delivered = 0
  let expected = 0
  let duplicates = 0
  let misrouted = 0
  let nextId = 1
  let seq = 0
  const errorsBefore = errorFrames
  const closesBefore = unexpectedCloses

  onFrame = (m, msg) => {
    if (msg['channel'] === 'room' && typeof msg['data'] === 'object' && msg['data'] !== null) {
      const data = msg['data'] as { room?: string; seq?: number }
      delivered++
      if (data.room !== m.room) {
        misrouted++
        wsSample(`socket of ${m.room} got a message for ${data.room}`)
      }
      if (m.seen.has(data.seq!)) duplicates++
      else m.seen.add(data.seq!)
      return
    }
    if (typeof msg['id'] === 'number') {
      const id = msg['id']
      if (announceIds.delete(id)) {
        if (msg['ok'] === true) announce.ok++
        else {
          announce.failed++
          wsSample(`announce failed: ${JSON.stringify(msg)}`)
        }
        return
      }
      const t0 = rpcStart.get(id)
      if (t0 === undefined) {
        errorFrames++
        return wsSample(`reply to an unknown id: ${JSON.stringify(msg)}`)
      }
      rpcStart.delete(id)
      const ok = msg['ok'] === true && JSON.stringify((msg['data'] as { result?: unknown } | undefined)?.result) === expectedResult
      if (ok) {
        rpc.ok++
        if (rpcN < rpcLatency.length) rpcLatency[rpcN++] = performance.now() - t0
      } else {
        rpc.failed++
        wsSample(`rpc failed: ${JSON.stringify(msg).slice(0, 200)}`)
      }
      return
    }
    errorFrames++
    wsSample(`unexpected frame: ${JSON.stringify(msg).slice(0, 200)}`)
  }

  const live = (m: Member) => m.ws.readyState === WebSocket.OPEN
  // Small ticks, so each one sends a handful of frames rather than a burst.
  const tickMs = 10
  const ticksPerPublish = Math.max(1, Math.round(job.publishEveryMs / tickMs))
  const ticksPerRpc = Math.max(1, Math.round(job.rpcEveryMs / tickMs))
  let tick = 0
  const t0 = performance.now()
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - t0 >= job.durationS * 1000) {
        clearInterval(timer)
        return resolve()
      }
      // The rooms whose turn it is: each room once per publish period, spread over the ticks.
      for (let r = tick % ticksPerPublish; r < rooms.length; r += ticksPerPublish) {
        const room = rooms[r]!.filter(live)
        if (!room.length) continue
        const round = Math.floor(tick / ticksPerPublish)
        const from = room[round % room.length]!
        const s = ++seq
        expected += room.length
        if (s % 2) {
          publishes.client++
          from.ws.send(JSON.stringify({ action: 'message', channel: 'room', params: { room: from.room }, data: { text: `hello ${s}`, seq: s } }))
        } else {
          publishes.server++
          announce.sent++
          const id = nextId++
          announceIds.add(id)
          from.ws.send(JSON.stringify({ action: 'rpc', id, fn: 'announce', args: { room: from.room, text: `news ${s}`, seq: s } }))
        }
      }
      // The sockets whose turn it is to call.
      for (let i = tick % ticksPerRpc; i < members.length; i += ticksPerRpc) {
        const m = members[i]!
        if (!live(m)) continue
        const id = nextId++
        rpc.sent++
        rpcStart.set(id, performance.now())
        m.ws.send(JSON.stringify({ action: 'rpc', id, fn: 'echo', args: job.payload }))
      }
      tick++
    }, tickMs)
  })
  const durationS = (performance.now() - t0) / 1000
  // Deliveries and replies still on the way.
  const drainUntil = Date.now() + job.drainMs
  while (Date.now() < drainUntil && (delivered < expected || rpcStart.size || announceIds.size)) await new Promise((r) => setTimeout(r, 50))
  onFrame = undefined
  return {
    durationS,
    publishes,
    delivered,
    expected,
    duplicates,
    misrouted,
    rpc: { ...rpc, lost: rpcStart.size, latencyMs: percentiles(rpcLatency, rpcN) },
    announce: { ...announce, lost: announceIds.size },
    errorFrames: errorFrames - errorsBefore,
    unexpectedCloses: unexpectedCloses - closesBefore,
    failureSamples: wsFailures.slice(),
    open: members.filter(live).length,
  }
}

export async function wsClose(): Promise<{ closed: number }> {
  const closing = members.map(
    (m) =>
      new Promise<void>((resolve) => {
        m.closedByUs = true
        if (m.ws.readyState === WebSocket.CLOSED) return resolve()
        const timer = setTimeout(() => {
          m.ws.terminate()
          resolve()
        }, 3000)
        m.ws.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
        m.ws.close(1000)
      }),
  )
  await Promise.all(closing)
  const closed = members.length
  members = []
  rooms = []
  return { closed }
}
