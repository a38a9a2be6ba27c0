import { Cluster, Redis as Redis6 } from 'ioredis'
import { Redis as Redis5 } from 'ioredis-5'
import { describe, expectTypeOf, it } from 'vitest'
import { RedisCache, type RedisCacheClient } from '../../src/server/cache/redis-cache.ts'
import { RedisBus, type RedisBusOptions } from '../../src/server/channels/redis-bus.ts'
import type { RedisClient } from '../../src/server/redis-client.ts'

describe('a client of either ioredis major', () => {
  it('fits where Mizan takes a connection', () => {
    expectTypeOf<Redis6>().toExtend<RedisClient>()
    expectTypeOf<Redis5>().toExtend<RedisClient>()
    expectTypeOf<Redis5>().toExtend<NonNullable<RedisBusOptions['redis']>>()
    expectTypeOf(new RedisBus({ redis: new Redis5() })).toEqualTypeOf<RedisBus>()
  })

  it('keeps its own type on the cache, and a URL gives our Redis', () => {
    expectTypeOf(new RedisCache(new Redis5()).client).toEqualTypeOf<Redis5>()
    expectTypeOf(new RedisCache(new Redis6()).client).toEqualTypeOf<Redis6>()
    expectTypeOf(new RedisCache('redis://127.0.0.1:6379').client).toEqualTypeOf<Redis6>()
    expectTypeOf(new RedisCache().client).toEqualTypeOf<Redis6>()
  })

  it('sits beside URLs and ioredis options, and nothing else', () => {
    expectTypeOf(new RedisBus({ redis: { host: '127.0.0.1', port: 6379 } })).toEqualTypeOf<RedisBus>()
    expectTypeOf(new RedisBus({ redis: 'redis://127.0.0.1:6379' })).toEqualTypeOf<RedisBus>()
    // @ts-expect-error a number is neither a URL nor a client
    new RedisCache(6379)
  })
})

describe('a Redis Cluster', () => {
  it('fits the cache and the bus', () => {
    expectTypeOf<Cluster>().toExtend<RedisCacheClient>()
    expectTypeOf<Cluster>().toExtend<NonNullable<RedisBusOptions['redis']>>()
    expectTypeOf(new RedisCache(new Cluster([])).client).toEqualTypeOf<Cluster>()
  })
})
