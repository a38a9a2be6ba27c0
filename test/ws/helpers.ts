import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocket, type RawData } from 'ws'
import type { WebSocketConstructor } from '../../src/client/ws-transport.ts'
import { attachWebSocket, type MizanWebSocketServer, type WebSocketOptions } from '../../src/server/adapters/ws.ts'
import { createNodeHandler } from '../../src/server/adapters/node.ts'
import type { DispatchOptions } from '../../src/server/dispatch.ts'
import type { MizanUser } from '../../src/server/defineClient.ts'
import type { AnyServerRouter } from '../../src/server/router.ts'

export interface RunningServer {
  http: Server
  ws: MizanWebSocketServer
  port: number
  url: string
  wsUrl: string
  close(): Promise<void>
}

/** node:http with the HTTP handler and the WebSocket adapter on one port of 127.0.0.1. */
export async function startServer<TUser extends MizanUser>(
  router: AnyServerRouter,
  options: WebSocketOptions<TUser> = {},
  httpOptions: DispatchOptions<TUser> = {},
  port = 0,
): Promise<RunningServer> {
  const http = createServer(createNodeHandler(router, { ...options, ...httpOptions }))
  const ws = attachWebSocket(http, router, options)
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, '127.0.0.1', () => resolve())
  })
  const actual = (http.address() as AddressInfo).port
  return {
    http,
    ws,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    wsUrl: `ws://127.0.0.1:${actual}${ws.path}`,
    async close() {
      await ws.close()
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}

/** A raw protocol client: frames in arrival order, with timeouts so a missing frame fails fast. */
export class FrameClient {
  readonly frames: unknown[] = []
  readonly texts: string[] = []
  private waiters: (() => void)[] = []
  closeCode: number | undefined

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? `<binary ${String(data)}>` : String(data)
      this.texts.push(text)
      this.frames.push(JSON.parse(text))
      for (const wake of this.waiters.splice(0)) wake()
    })
    socket.on('close', (code) => {
      this.closeCode = code
      for (const wake of this.waiters.splice(0)) wake()
    })
    socket.on('error', () => {})
  }

  static connect(url: string, headers: Record<string, string> = {}, protocols?: string[]): Promise<FrameClient> {
    return new Promise((resolve, reject) => {
      const socket = protocols ? new WebSocket(url, protocols, { headers }) : new WebSocket(url, { headers })
      socket.once('open', () => resolve(new FrameClient(socket)))
      socket.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += String(c)))
        res.on('end', () => reject(Object.assign(new Error(`handshake refused: ${res.statusCode}`), { status: res.statusCode, body })))
      })
      socket.once('error', reject)
    })
  }

  private read = 0

  /** The next frame not yet read. */
  async next(timeoutMs = 2000): Promise<any> {
    const deadline = Date.now() + timeoutMs
    while (this.read >= this.frames.length) {
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode}) while waiting for a frame`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms (got ${JSON.stringify(this.frames)})`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.frames[this.read++]
  }

  /** The next frame matching `predicate`, skipping (and keeping) others. */
  async nextWhere(predicate: (frame: any) => boolean, timeoutMs = 2000): Promise<any> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()))
      if (predicate(frame)) return frame
    }
  }

  /** Frames that arrive within `ms` (consumed). */
  async drain(ms: number): Promise<any[]> {
    await new Promise((r) => setTimeout(r, ms))
    const out = this.frames.slice(this.read)
    this.read = this.frames.length
    return out
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Send and wait for the next frame. */
  async request(frame: unknown, timeoutMs?: number): Promise<any> {
    this.send(frame)
    return this.next(timeoutMs)
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve())
      this.socket.close()
    })
  }
}

/** The sockets a test file opens, closed together when it ends. */
export class SocketPool {
  private readonly clients: FrameClient[] = []

  async connect(url: string, headers?: Record<string, string>): Promise<FrameClient> {
    const client = await FrameClient.connect(url, headers)
    this.clients.push(client)
    return client
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()))
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Poll until `check` passes or fail after `ms`. */
export async function eventually(check: () => void | Promise<void>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      await check()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(20)
    }
  }
}

/**
 * Stops reading on `client`'s socket and runs `publishTurn` once a turn until the server drops the
 * socket (or 2,000 turns pass). Returns the largest buffer the server's side of it held meanwhile.
 */
export async function floodUntilDropped(server: RunningServer, client: FrameClient, publishTurn: () => Promise<unknown>): Promise<number> {
  const [serverSide] = [...server.ws.wss.clients]
  ;(client.socket as unknown as { _socket: { pause(): void } })._socket.pause()
  let maxBuffered = 0
  for (let i = 0; i < 2000 && server.ws.size > 0; i++) {
    await publishTurn()
    await sleep(0)
    maxBuffered = Math.max(maxBuffered, serverSide?.bufferedAmount ?? 0)
  }
  return maxBuffered
}

/** What a `recordingWebSocket` class saw: text frames each way, as the wire carried them, and close codes. */
export interface SocketLog {
  sent: string[]
  received: string[]
  closes: number[]
}

/** The `ws` client class for the kernel's `websocket.WebSocket` option, logging into `log`. */
export function recordingWebSocket(log: SocketLog): WebSocketConstructor {
  class RecordingSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      this.on('message', (data: RawData) => log.received.push(String(data)))
      this.on('close', (code: number) => log.closes.push(code))
    }

    override send(data: string): void {
      log.sent.push(data)
      super.send(data)
    }
  }
  return RecordingSocket as unknown as WebSocketConstructor
}
