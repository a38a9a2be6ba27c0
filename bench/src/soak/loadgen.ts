/**
 * The soak's load generator, its own process (as bench/src/loadgen/worker.ts is for the
 * benchmarks): HTTP through autocannon — a mix of requests, optionally rate-limited — with
 * every response checked byte for byte and timed; and WebSocket rooms — thousands of sockets,
 * each subscribed, with periodic publishes and RPCs, every delivery and reply accounted for.
 * Every job is bounded by a duration and a count.
 * Each job lives in its own module: http-load.ts and ws-rooms.ts.
 */
import { serveJobs } from '../lib/child.ts'
import { httpSoak } from './http-load.ts'
import type { SoakJob } from './jobs.ts'
import { wsClose, wsOpen, wsRun } from './ws-rooms.ts'

serveJobs<SoakJob>(async (job) => {
  switch (job.type) {
    case 'http-soak':
      return httpSoak(job)
    case 'ws-open':
      return wsOpen(job)
    case 'ws-run':
      return wsRun(job)
    case 'ws-close':
      return wsClose()
  }
})
