import type { Server } from 'node:http'

/**
 * Stop taking connections, let in-flight requests finish, then close. Keep-alive sockets
 * are closed as soon as they go idle; whatever is still open after `timeoutMs` is cut.
 */
export function closeGracefully(server: Server, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 25)
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs)
    server.close(() => {
      clearInterval(sweep)
      clearTimeout(deadline)
      resolve()
    })
    server.closeIdleConnections()
  })
}
