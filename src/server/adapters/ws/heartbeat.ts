/** The periodic sweeps over open sockets: pings that drop a dead peer, and the idle timeout. */
import type { Session } from './session.ts'

/** Starts the sweeps that are on (a period of 0 is off); returns what stops them. */
export function startHeartbeat(sessions: ReadonlySet<Session>, heartbeatMs: number, idleTimeoutMs: number): () => void {
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          for (const session of sessions) session.beat()
        }, heartbeatMs)
      : undefined
  heartbeat?.unref()
  const idleCheck =
    idleTimeoutMs > 0
      ? setInterval(() => {
          for (const session of sessions) session.closeIfIdle()
        }, Math.max(10, idleTimeoutMs / 4))
      : undefined
  idleCheck?.unref()
  return () => {
    if (heartbeat) clearInterval(heartbeat)
    if (idleCheck) clearInterval(idleCheck)
  }
}
