/**
 * Model-based test of the origin cache: random sequences of reads and mutations by users of
 * different (changing) roles, over HTTP and WebSocket, against a cached server — two
 * processes' worth of dispatchers on Redis, one on MemoryCache — and, as the oracle, the same
 * router on the same database with the cache off. Every read must answer what the oracle
 * answers at that moment: a 200 where the oracle refuses is an unauthorized read, another body
 * a stale one.
 */
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { createFetchHandler } from '../../../src/server/adapters/fetch.ts'
import { MemoryCache, type CacheBackend } from '../../../src/server/cache/backend.ts'
import { RedisCache } from '../../../src/server/cache/redis-cache.ts'
import { FrameClient, startServer, type RunningServer } from '../../ws/helpers.ts'
import { boardUserResolver, buildBoardRouter, createDb } from './board-app.ts'

const USERS = [0, 1, 2, 'x'] as const
const OPS_PER_RUN = 2_500
const RUNS_PER_BACKEND = 2

type Who = (typeof USERS)[number] | null
type Read = { kind: 'read'; context: string; query: Record<string, string>; who: Who; apiKey: boolean; via: 'http' | 'ws'; instance: 0 | 1 }
type Mutation = { kind: 'call'; fn: string; args: Record<string, unknown>; who: Who; via: 'http' | 'ws'; instance: 0 | 1 }
type Op = Read | Mutation

const who = fc.constantFrom<Who>(null, ...USERS)
const userKey = fc.constantFrom(...USERS.map(String))
const via = fc.constantFrom<'http' | 'ws'>('http', 'http', 'ws')
const instance = fc.constantFrom<0 | 1>(0, 1)
const board = fc.constantFrom(1, 2, 3)

const boardQuery = fc.record(
  { board_id: board.map(String), upper: fc.constantFrom('true', 'false', '1'), junk: fc.string({ maxLength: 4 }) },
  { requiredKeys: ['board_id'] },
)
const read: fc.Arbitrary<Read> = fc.record({
  kind: fc.constant('read' as const),
  context: fc.constantFrom('board', 'board', 'board', 'feed', 'profile', 'inbox', 'staff', 'partner'),
  query: fc.constant({} as Record<string, string>),
  who,
  apiKey: fc.boolean(),
  via,
  instance,
}).chain((r) =>
  r.context === 'board' ? boardQuery.map((query) => ({ ...r, query: query as Record<string, string> }))
  : r.context === 'profile' ? userKey.map((id) => ({ ...r, query: { user_id: id } }))
  : r.context === 'feed' ? fc.option(board.map(String), { nil: undefined }).map((id) => ({ ...r, query: (id === undefined ? {} : { board_id: id }) as Record<string, string> }))
  : fc.constant(r),
)

const call = (fn: string, args: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Mutation> =>
  fc.record({ kind: fc.constant('call' as const), fn: fc.constant(fn), args, who, via, instance })

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: call('add_task', fc.record({ board_id: fc.oneof(board, board.map(String)), title: fc.string({ maxLength: 3 }) })) },
  { weight: 1, arbitrary: call('rename_boards', fc.record({ suffix: fc.string({ maxLength: 2 }) })) },
  { weight: 2, arbitrary: call('rename_profile', fc.record({ user_id: userKey, name: fc.string({ maxLength: 3 }) })) },
  { weight: 2, arbitrary: call('send_message', fc.record({ to: userKey, text: fc.string({ maxLength: 3 }) })) },
  { weight: 1, arbitrary: call('set_role', fc.record({ user_id: userKey, staff: fc.boolean() })) },
  { weight: 1, arbitrary: call('grant_board', fc.record({ user_id: userKey, board_id: board, grant: fc.boolean() })) },
)
const op: fc.Arbitrary<Op> = fc.oneof({ weight: 5, arbitrary: read }, { weight: 1, arbitrary: mutation })

interface Outcome {
  status: number
  body: unknown
}

const totals = { ops: 0, reads: 0, hits: 0, stale: 0, unauthorized: 0, other: 0 }

/** One run: a fresh database, a cached server of two instances, the oracle, sockets per user. */
async function runOps(ops: Op[], backends: () => CacheBackend[]): Promise<string[]> {
  const db = createDb([...USERS])
  db.users.get('1')!.isStaff = true
  const router = buildBoardRouter(db)
  const resolveUser = boardUserResolver(db)
  const caches = backends()
  const options = (backend?: CacheBackend) => ({ csrf: false as const, onError: () => {}, resolveUser, ...(backend ? { cache: { backend, secret: 'model' } } : {}) })
  const oracle = createFetchHandler(router, options())
  const servers: RunningServer[] = []
  // HTTP in-process (the fetch adapter), WebSocket over a real socket: each instance has both, on one backend.
  const handlers = caches.map((backend) => createFetchHandler(router, options(backend)))
  const sockets = new Map<string, FrameClient>()
  const problems: string[] = []
  try {
    for (const backend of caches) servers.push(await startServer(router, options(backend), options(backend)))
    const headers = (w: Who, apiKey = false): Record<string, string> => ({ ...(w === null ? {} : { 'x-user': String(w) }), ...(apiKey ? { 'x-api-key': 'key-ok' } : {}) })
    const socket = async (server: number, w: Who, apiKey: boolean) => {
      const key = `${server}/${String(w)}/${apiKey}`
      let client = sockets.get(key)
      if (!client) sockets.set(key, (client = await FrameClient.connect(servers[server]!.wsUrl, headers(w, apiKey))))
      return client
    }
    const viaHttp = async (server: number, path: string, init: RequestInit): Promise<Outcome & { cache: string | null }> => {
      const res = await handlers[server]!(new Request(`http://127.0.0.1${path}`, init))
      return { status: res.status, cache: res.headers.get('x-mizan-cache'), body: await res.json() }
    }
    let frame = 0
    for (const [index, o] of ops.entries()) {
      totals.ops++
      const server = Math.min(o.instance, servers.length - 1)
      if (o.kind === 'call') {
        const body = JSON.stringify({ fn: o.fn, args: o.args })
        if (o.via === 'http') await viaHttp(server, '/api/mizan/call/', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers(o.who) } })
        else await (await socket(server, o.who, false)).request({ action: 'rpc', id: `m${frame++}`, fn: o.fn, args: o.args })
        continue
      }
      totals.reads++
      const qs = new URLSearchParams(o.query).toString()
      const expected = await oracle(new Request(`http://127.0.0.1/api/mizan/ctx/${o.context}/?${qs}`, { headers: headers(o.who, o.apiKey) }))
      const truth: Outcome = { status: expected.status, body: await expected.json() }
      let got: Outcome
      if (o.via === 'http') {
        const res = await viaHttp(server, `/api/mizan/ctx/${o.context}/?${qs}`, { headers: headers(o.who, o.apiKey) })
        if (res.cache === 'HIT') totals.hits++
        got = res
      } else {
        const params = Object.fromEntries(Object.entries(o.query).map(([k, v]) => [k, k === 'board_id' ? Number(v) : v]))
        const reply = await (await socket(server, o.who, o.apiKey)).request({ action: 'ctx', id: `c${frame++}`, context: o.context, params })
        got = 'data' in reply ? { status: 200, body: reply.data } : { status: -1, body: reply.error }
        // A socket error carries the code the HTTP envelope does; compare codes only.
        if (got.status === -1) {
          if (truth.status === 200) problems.push(`#${index} ${JSON.stringify(o)}: oracle 200, socket ${JSON.stringify(reply.error)}`)
          else if ((truth.body as { code?: string }).code !== (reply.error as { code?: string }).code) problems.push(`#${index} ${JSON.stringify(o)}: codes differ`)
          if (truth.status === 200) totals.other++
          continue
        }
      }
      if (got.status === 200 && truth.status !== 200) {
        totals.unauthorized++
        problems.push(`#${index} unauthorized ${JSON.stringify(o)}: oracle ${truth.status}`)
      } else if (got.status === 200 && JSON.stringify(got.body) !== JSON.stringify(truth.body)) {
        totals.stale++
        problems.push(`#${index} stale ${JSON.stringify(o)}: ${JSON.stringify(got.body)} != ${JSON.stringify(truth.body)}`)
      } else if (got.status !== truth.status) {
        totals.other++
        problems.push(`#${index} ${JSON.stringify(o)}: status ${got.status} != ${truth.status}`)
      }
    }
  } finally {
    for (const client of sockets.values()) client.socket.close()
    for (const server of servers) await server.close()
  }
  return problems
}

const redisClients: RedisCache[] = []
afterAll(async () => {
  for (const client of redisClients) {
    await client.clear()
    await client.quit()
  }
})

describe('cache model: the cached server answers as the uncached one', () => {
  it.each([
    ['MemoryCache, one process', () => [new MemoryCache({ maxBytes: 512 * 1024 })]],
    [
      'Redis, two processes',
      () => {
        const namespace = `mizan-model:${randomUUID()}:`
        const pair = [new RedisCache('redis://127.0.0.1:6379', { namespace }), new RedisCache('redis://127.0.0.1:6379', { namespace })]
        redisClients.push(...pair)
        return pair
      },
    ],
  ] as const)('%s', async (_name, backends) => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: OPS_PER_RUN, maxLength: OPS_PER_RUN }), async (ops) => {
        const problems = await runOps(ops, backends)
        expect(problems.slice(0, 5)).toEqual([])
      }),
      { numRuns: RUNS_PER_BACKEND, endOnFailure: true },
    )
  }, 60_000)

  afterAll(() => {
    console.log(
      `[cache model] ${totals.ops} operations (${totals.reads} reads, ${totals.hits} HTTP cache hits): ` +
        `${totals.stale} stale reads, ${totals.unauthorized} unauthorized reads, ${totals.other} other mismatches`,
    )
    expect(totals.ops).toBeGreaterThanOrEqual(10_000)
  })
})
