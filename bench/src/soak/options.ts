/** Flags of `npm run soak [-- …]`. */
export interface SoakOptions {
  quick: boolean
  only: Set<string> | null
  verbose: boolean
  /** Write results/soak.json and SOAK.md (default for a full run; a --quick run only with --write). */
  write: boolean
  /** HTTP soak at 80% of max, and the WS run. */
  durationS: number
  /** Max-throughput measurement (after a warm-up of the same length… capped at 3 s). */
  maxS: number
  /** Share of the measured max the soak runs at. */
  loadShare: number
  /** Connections of the max measurement. */
  connections: number
  /** Connections of the paced runs (soak, outage): more than for the max, so a slow answer on one does not hold the rate back. */
  pacedConnections: number
  outageS: number
  wsConnections: number
  wsRooms: number
  /** The whole run aborts itself after this many seconds. */
  limitS: number
}

export function parseSoakArgs(argv: string[]): SoakOptions {
  const flag = (name: string) => argv.includes(`--${name}`)
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const quick = flag('quick')
  const only = value('only')
  return {
    quick,
    only: only ? new Set(only.split(',')) : null,
    verbose: flag('verbose') || flag('v'),
    write: quick ? flag('write') : !flag('no-write'),
    durationS: Number(value('duration') ?? (quick ? 15 : 60)),
    maxS: quick ? 3 : 5,
    loadShare: Number(value('load') ?? 0.8),
    connections: Number(value('connections') ?? 32),
    pacedConnections: Number(value('paced-connections') ?? 64),
    outageS: quick ? 14 : 24,
    wsConnections: Number(value('ws-connections') ?? (quick ? 1000 : 5000)),
    wsRooms: Number(value('ws-rooms') ?? (quick ? 50 : 250)),
    limitS: Number(value('limit') ?? 570),
  }
}
