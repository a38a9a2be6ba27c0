/**
 * Regression: RedisBus told a given client from options with `instanceof Redis`, so a client made
 * by the app's own copy of ioredis (5 beside our 6, or the reverse) was taken for options and a
 * second, default connection was opened instead. Each supported major is checked here against
 * the real Redis, through the bus and the cache.
 */
import { Redis as Redis6 } from 'ioredis'
import { Redis as Redis5 } from 'ioredis-5'
import { afterEach, describe, expect, it } from 'vitest'
import { RedisCache } from '../../src/server/cache/redis-cache.ts'
import { RedisBus } from '../../src/server/channels/redis-bus.ts'

const URL = 'redis://127.0.0.1:6379'
const MAJORS = { 'ioredis 6': (name: string) => new Redis6(URL, { connectionName: name }), 'ioredis 5': (name: string) => new Redis5(URL, { connectionName: name }) }

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!()
})

async function connectionNames(probe: Redis6): Promise<string[]> {
  const list = String(await probe.client('LIST'))
  return list.split('\n').flatMap((line) => /\bname=(\S*)/.exec(line)?.[1] ?? [])
}

describe.each(Object.entries(MAJORS))('a client made by %s', (_major, connect) => {
  it('carries the bus: a message published on one bus reaches the other, over the given connection', async () => {
    const tag = `bus-${process.pid}-${Date.now()}`
    const publisherClient = connect(`${tag}-pub`)
    const subscriberClient = connect(`${tag}-sub`)
    const probe = new Redis6(URL)
    const publisher = new RedisBus({ redis: publisherClient })
    const subscriber = new RedisBus({ redis: subscriberClient })
    cleanup.push(() => probe.quit(), () => publisherClient.quit(), () => subscriberClient.quit(), () => publisher.close(), () => subscriber.close())

    let deliver: (payload: string) => void = () => {}
    const received = new Promise<string>((resolve) => (deliver = resolve))
    await subscriber.subscribe(`${tag}:room`, (payload) => deliver(payload))
    await publisher.publish(`${tag}:room`, '{"text":"hi"}')
    expect(await received).toBe('{"text":"hi"}')

    // Each bus publishes on the given client and subscribes on its duplicate, which keeps the
    // client's name: two connections per name. A client taken for options leaves one.
    const names = await connectionNames(probe)
    expect(names.filter((name) => name === `${tag}-pub`)).toHaveLength(2)
    expect(names.filter((name) => name === `${tag}-sub`)).toHaveLength(2)
  })

  it('carries the cache: set, get and purge by prefix', async () => {
    const client = connect(`cache-${process.pid}`)
    const cache = new RedisCache(client, { namespace: `test-majors-${process.pid}:` })
    cleanup.push(() => client.quit())
    await cache.set('ctx:user:1', '{"a":1}', 30)
    expect(await cache.get('ctx:user:1')).toBe('{"a":1}')
    expect(await cache.deleteByPrefix('ctx:user:')).toBe(1)
    expect(await cache.get('ctx:user:1')).toBeNull()
  })
})
