/**
 * Idle watchers for the `live` scenario, in their own process (20,000 sockets would not fit
 * one process's descriptors): `node --import tsx live-idle.ts <ws url> <count>`. Each socket
 * watches a board nobody changes (as the Mizan client does: `resume: true`), so every
 * invalidation of the measured board is routed past all of them. Prints `ready` once every
 * watch is acknowledged, then stays until killed.
 */
import { WebSocket } from 'ws'

const [url, countText] = process.argv.slice(2)
const count = Number(countText)
const sockets: WebSocket[] = []
let acknowledged = 0
const BATCH = 200

for (let at = 0; at < count; at += BATCH) {
  await Promise.all(
    Array.from({ length: Math.min(BATCH, count - at) }, (_, i) => {
      const board = 1_000 + at + i
      return new Promise<void>((resolve, reject) => {
        const socket = new WebSocket(url!)
        sockets.push(socket)
        socket.once('error', reject)
        socket.once('open', () => socket.send(JSON.stringify({ action: 'watch', context: 'board', params: { board_id: board }, resume: true })))
        socket.on('message', (data) => {
          if (String(data).includes('"watching":true')) {
            acknowledged++
            resolve()
          }
        })
      })
    }),
  )
}
process.stdout.write(`ready ${acknowledged}\n`)
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.terminate()
  process.exit(0)
})
