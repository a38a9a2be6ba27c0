/**
 * A redis-server of the test's own, on a port of its own (fixed, or any free one), that the test
 * may stop and start again: the shared Redis on 6379 must never be stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

/** A port nothing listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export class PrivateRedis {
  private child: ChildProcess | undefined

  constructor(readonly port: number) {}

  /** Started on a free port. */
  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort())
    await redis.start()
    return redis
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    this.child = child
    const killOnExit = () => child.kill('SIGKILL')
    process.once('exit', killOnExit)
    child.once('exit', () => process.off('exit', killOnExit))
    const deadline = Date.now() + 5_000
    for (;;) {
      const probe = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      probe.on('error', () => {})
      const up = await probe.connect().then(() => probe.ping()).then(() => true, () => false)
      probe.disconnect()
      if (up) return
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`)
      await new Promise((r) => setTimeout(r, 30))
    }
  }

  /** As a crash would: the clients see their connections reset. */
  async stop(): Promise<void> {
    const child = this.child
    this.child = undefined
    if (!child || child.exitCode !== null) return
    child.kill('SIGKILL')
    await once(child, 'exit')
  }
}
