/**
 * The WebSocket bad-input battery against a server in its own process, started with
 * `--unhandled-rejections=strict` (test/hardening/ws-battery-server.ts). Regression tests for
 * "one WebSocket frame kills the server": a reply that cannot be serialized (a cycle, a
 * throwing toJSON), single or in a batch, sync
 * or async, only ever becomes an error frame; and the process is still serving at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FrameClient, SocketPool } from '../ws/helpers.ts'

const _SECRET = 'postgres://app:hunter2@db.internal/prod'
const INTERNAL = { code: 'INTERNAL_ERROR', message: 'An internal error occurred' }

let child: ChildProcess
let port = 0
let exited: { code: number | null; signal: string | null } | undefined
let stderr = ''
const reports: string[] = []
const sockets = new SocketPool()

beforeAll(async () => {
  const script = fileURLToPath(new URL('./ws-battery-server.ts', import.meta.url))
  child = spawn(process.execPath, ['--unhandled-rejections=strict', '--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.once('exit', (code, signal) => (exited = { code, signal }))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`battery server did not start: ${out} ${stderr}`)), 20_000)
    child.once('exit', (code) => reject(new Error(`battery server exited with ${code}: ${stderr}`)))
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const lines = out.split('\n')
      out = lines.pop()!
      for (const line of lines) {
        const parsed = JSON.parse(line) as { port?: number; report?: string }
        if (parsed.port) {
          port = parsed.port
          clearTimeout(timer)
          resolve()
        }
        if (parsed.report !== undefined) reports.push(parsed.report)
      }
    })
  })
}, 30_000)

afterAll(async () => {
  await sockets.closeAll()
  if (!exited) child.kill('SIGTERM')
})

const connect = () => sockets.connect(`ws://127.0.0.1:${port}/ws/`)
const big = { values: { v: ['bigint'] } }

async function stillServes(client: FrameClient): Promise<void> {
  expect(await client.request({ action: 'rpc', id: 'alive', fn: 'ping' })).toEqual({ id: 'alive', ok: true, data: { result: { pong: true } } })
}

describe('WebSocket battery in a child process with --unhandled-rejections=strict', () => {
  const unserializable: [string, Record<string, unknown>][] = [
    ['a cyclic result', { fn: 'cyclic_result' }],
    ['a result whose toJSON throws', { fn: 'throwing_to_json' }],
  ]

  // Issue #28: a BigInt is no serialization failure any more; it is written as its exact literal.
  it('BigInt results (sync, async, a superjson argument echoed as plain JSON) are written exactly, single and batched', async () => {
    const client = await connect()
    const texts = () => client.texts.slice(-1)[0]
    await client.request({ action: 'rpc', id: 1, fn: 'big_async' })
    expect(texts()).toBe('{"id":1,"ok":true,"data":{"result":{"total":12345678901234567890}}}')
    expect(await client.request({ action: 'rpc', id: 2, fn: 'big_sync' })).toEqual({ id: 2, ok: true, data: { result: { total: 1 } } })
    expect(await client.request({ action: 'rpc', id: 3, fn: 'echo_any', args: { v: '5' }, meta: big })).toEqual({ id: 3, ok: true, data: { result: { v: 5 } } })
    client.send([{ action: 'rpc', id: 'b', fn: 'big_sync' }, { action: 'rpc', id: 'good', fn: 'ping' }])
    expect(await client.next()).toEqual([{ id: 'b', ok: true, data: { result: { total: 1 } } }, { id: 'good', ok: true, data: { result: { pong: true } } }])
    await stillServes(client)
  })

  it.each(unserializable)('ws serialization failure, %s, single frame: an error frame under its id', async (_what, call) => {
    const client = await connect()
    expect(await client.request({ action: 'rpc', id: 1, ...call })).toEqual({ id: 1, ok: false, error: INTERNAL })
    await stillServes(client)
  })

  it.each(unserializable)('ws serialization failure, %s, in a batch: an error frame, the batch\'s other replies intact', async (_what, call) => {
    const client = await connect()
    client.send([{ action: 'rpc', id: 'bad', ...call }, { action: 'rpc', id: 'good', fn: 'ping' }])
    const replies: unknown[] = []
    while (replies.length < 2) {
      const frame: unknown = await client.next()
      replies.push(...(Array.isArray(frame) ? frame : [frame]))
    }
    expect(replies).toContainEqual({ id: 'bad', ok: false, error: INTERNAL })
    expect(replies).toContainEqual({ id: 'good', ok: true, data: { result: { pong: true } } })
    await stillServes(client)
  })

  it('a superjson BigInt argument asked back as superjson is answered with its meta', async () => {
    const client = await connect()
    const reply = await client.request({ action: 'rpc', id: 2, fn: 'echo_any', args: { v: '5' }, meta: big, superjson: true })
    expect(reply).toMatchObject({ id: 2, ok: true, data: { result: { v: '5' }, meta: { values: { v: ['bigint'] } } } })
  })

  it('a context whose member answers a cycle: an error frame; one answering a BigInt: its exact literal', async () => {
    const client = await connect()
    expect(await client.request({ action: 'ctx', id: 'c', context: 'loop', params: {} })).toEqual({ id: 'c', ok: false, error: INTERNAL })
    expect(await client.request({ action: 'ctx', id: 'l', context: 'ledger', params: {} })).toEqual({ id: 'l', ok: true, data: { big_member: { balance: 10 } } })
    await stillServes(client)
  })

  it('auth predicate exception text never reaches the client, over WS, single and batched', async () => {
    const client = await connect()
    const denied = { code: 'FORBIDDEN', message: 'Access denied' }
    expect(await client.request({ action: 'rpc', id: 'a', fn: 'leaky_auth' })).toEqual({ id: 'a', ok: false, error: denied })
    expect(await client.request({ action: 'rpc', id: 'b', fn: 'leaky_async_auth' })).toEqual({ id: 'b', ok: false, error: denied })
    client.send([{ action: 'rpc', id: 'c', fn: 'leaky_auth' }])
    expect(await client.next()).toEqual({ id: 'c', ok: false, error: denied })
    // A deliberate denial (the reference's PermissionError) keeps its message.
    expect(await client.request({ action: 'rpc', id: 'd', fn: 'denies_with_message' })).toEqual({ id: 'd', ok: false, error: { code: 'FORBIDDEN', message: 'only on Tuesdays' } })
    expect(await client.request({ action: 'rpc', id: 'e', fn: 'leaky_handler' })).toEqual({ id: 'e', ok: false, error: INTERNAL })
    expect(client.texts.join('\n')).not.toContain('hunter2')
    expect(reports.filter((r) => r.includes('hunter2')).length).toBeGreaterThanOrEqual(4)
  })

  it('garbage that once threw in the server: fn objects with a non-callable toString, watch params likewise', async () => {
    const client = await connect()
    expect(await client.request({ action: 'rpc', id: 'g', fn: { toString: 1 } })).toMatchObject({ id: 'g', ok: false, error: { code: 'NOT_FOUND' } })
    expect(await client.request({ action: 'rpc', id: 'h', fn: 'echo_any', args: { v: { toString: 1, valueOf: 1 } } })).toEqual({
      id: 'h',
      ok: true,
      data: { result: { v: { toString: 1, valueOf: 1 } } },
    })
    client.send({ action: 'watch', context: 'board', params: { id: { toString: 1 } } })
    client.send([{ action: 'rpc', id: 'i', fn: 'big_sync', args: { toString: 1 } }, { action: 'ctx', id: 'j', context: 'board', params: { id: { toString: 1 } } }])
    const frames = await client.drain(300)
    expect(frames.flat()).toContainEqual(expect.objectContaining({ id: 'j', ok: false }))
    await stillServes(client)
  })

  it('the process is still alive and serving at the end, and logged no unhandled rejection', async () => {
    expect(exited).toBeUndefined()
    const fresh = await connect()
    await stillServes(fresh)
    const res = await fetch(`http://127.0.0.1:${port}/api/mizan/call/`, { method: 'POST', body: '{"fn":"ping"}' })
    expect(res.status).toBe(200)
    expect(stderr).not.toMatch(/unhandled|UnhandledPromiseRejection|Uncaught/i)
  })
})
