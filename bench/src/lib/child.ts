/**
 * The child side of the orchestrator's IPC, shared by the bench's and the soak's server and
 * load-generator processes.
 */

/** Memory after two forced GCs (the process runs with --expose-gc): what it really holds. */
export function memoryAfterGc() {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }
}

/** Runs each job the parent sends and answers under its id; exits with the parent; says it is ready. */
export function serveJobs<J extends { type: string }>(run: (job: J) => Promise<unknown>): void {
  process.on('message', async (msg: { id: number; job: J }) => {
    try {
      process.send?.({ id: msg.id, result: await run(msg.job) })
    } catch (error) {
      process.send?.({ id: msg.id, error: String((error as Error)?.stack ?? error) })
    }
  })
  process.on('disconnect', () => process.exit(0))
  process.send?.({ ready: true })
}
