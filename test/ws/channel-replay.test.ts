/**
 * Regression for "channel messages published during a Redis outage are lost for the other
 * processes' sockets": three hubs, each with its own RedisBus (three processes as far as Redis
 * can tell), on a private redis-server stopped for a few seconds while all of them publish.
 * Every message must reach every other hub exactly once, in each publisher's order; a hub whose
 * replay buffer is too small keeps the newest and logs how many it dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChannelHub } from '../../src/server/channels/hub.ts'
import { RedisBus } from '../../src/server/channels/redis-bus.ts'
import { PrivateRedis } from '../support/private-redis.ts'
import { eventually, sleep } from './helpers.ts'

const redis = new PrivateRedis(62502)
const buses: RedisBus[] = []
const hubs: ChannelHub[] = []
const logs: string[][] = []
const heard: string[][] = []

function hubWith(maxMessages?: number): number {
  const i = hubs.length
  const bus = new RedisBus({ redis: { port: redis.port, host: '127.0.0.1' }, onError: () => {} })
  const log: string[] = []
  buses.push(bus)
  logs.push(log)
  heard.push([])
  hubs.push(new ChannelHub({ bus, prefix: 'replay-test:', log: (line) => log.push(line), ...(maxMessages ? { replay: { maxMessages } } : {}) }))
  return i
}

const frame = (from: string, n: number) => JSON.stringify({ channel: 'chat', params: { room: 'r' }, type: 'message', data: { from, n } })
const fromOf = (list: string[], from: string) => list.map((f) => JSON.parse(f).data).filter((d) => d.from === from).map((d) => d.n as number)
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)

beforeAll(async () => {
  await redis.start()
  hubWith()
  hubWith()
  hubWith(5)
  await Promise.all(hubs.map((hub, i) => hub.join('room', (payload) => heard[i]!.push(payload))))
})

afterAll(async () => {
  await Promise.all(hubs.map((hub) => hub.close()))
  await Promise.all(buses.map((bus) => bus.close()))
  await redis.stop()
})

describe('channel messages across a Redis outage', () => {
  it('reach every other process exactly once, in order per publisher, once Redis is back', async () => {
    const [a, b, c] = hubs as [ChannelHub, ChannelHub, ChannelHub]
    await a.publishFrame('room', frame('a', 0))
    await b.publishFrame('room', frame('b', 0))
    // Each publisher has reached the room once: its replay knows how many subscribers to wait for.
    await c.publishFrame('room', frame('c', 0))
    await eventually(() => {
      for (const list of heard) expect(list).toHaveLength(3)
    })

    await redis.stop()
    await eventually(() => expect(logs[0]!.some((l) => l.startsWith('channel bus down'))).toBe(true))
    // During the outage: 20 from a and b each, 10 from c (whose buffer keeps 5), spread over the downtime.
    for (let n = 1; n <= 20; n++) {
      await a.publishFrame('room', frame('a', n))
      await b.publishFrame('room', frame('b', n))
      if (n <= 10) await c.publishFrame('room', frame('c', n))
      await sleep(100)
    }
    await redis.start()
    // Publishing on right away, while the recovery is under way: these must not overtake the replayed ones.
    for (let n = 21; n <= 30; n++) {
      await a.publishFrame('room', frame('a', n))
      await sleep(30)
    }

    await eventually(() => {
      expect(fromOf(heard[1]!, 'a')).toEqual(range(0, 30))
      expect(fromOf(heard[2]!, 'a')).toEqual(range(0, 30))
      expect(fromOf(heard[0]!, 'b')).toEqual(range(0, 20))
      expect(fromOf(heard[2]!, 'b')).toEqual(range(0, 20))
      expect(fromOf(heard[0]!, 'c')).toEqual([0, ...range(6, 10)])
      expect(fromOf(heard[1]!, 'c')).toEqual([0, ...range(6, 10)])
    }, 8_000)
    // Each hub's own messages reached its own listeners once, from the hub itself.
    expect(fromOf(heard[0]!, 'a')).toEqual(range(0, 30))
    expect(fromOf(heard[1]!, 'b')).toEqual(range(0, 20))
    expect(fromOf(heard[2]!, 'c')).toEqual(range(0, 10))
    await sleep(300)
    for (const list of heard) expect(new Set(list).size).toBe(list.length)
    await eventually(() => expect(logs[2]!.filter((l) => l.startsWith('channel messages replayed'))).toEqual([expect.stringMatching(/: 5.*dropped \(replay buffer full\): 5$/)]))
    expect(logs[1]!.filter((l) => l.startsWith('channel messages replayed'))).toEqual(['channel messages replayed after the outage: 20; dropped (replay buffer full): 0'])
  }, 30_000)
})
