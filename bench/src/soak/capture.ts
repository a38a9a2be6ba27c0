/**
 * The soak's requests, as our own client puts them on the wire: `createMizanClient` makes each
 * call once through a recording fetch (as bench/src/lib/capture.ts does for the benchmarks),
 * and the load generator replays exactly those requests, checking every response against the
 * body the client accepted.
 */
import { createMizanClient } from '../../../src/client/index.ts'
import { recordingFetch, type Captured } from '../lib/recording-fetch.ts'
import { PAYLOAD } from '../shared/payload.ts'
import type { SoakRequest } from './jobs.ts'
import { USER_COUNT, userName, type SoakRouter } from './router.ts'

/** The mix each connection cycles through: per 10 requests, 5 context reads, 4 calls, 1 mutation. */
export const MIX = ['ctx', 'call', 'ctx', 'call', 'ctx', 'call', 'ctx', 'call', 'ctx', 'mutation'] as const

export async function captureMix(port: number, cycles = 16): Promise<{ requests: SoakRequest[]; description: string }> {
  const sink: Captured[] = []
  const client = createMizanClient<SoakRouter>({ baseUrl: `http://127.0.0.1:${port}/api/mizan`, csrf: false, fetch: recordingFetch(sink) })
  const last = (tag: SoakRequest['tag']): SoakRequest => {
    const x = sink.at(-1)
    if (!x || x.status !== 200) throw new Error(`capture of a ${tag}: no 200 exchange (${x?.status} ${x?.responseBody})`)
    const url = new URL(x.url)
    return { tag, method: x.method, path: url.pathname + url.search, headers: x.headers, ...(x.body !== undefined ? { body: x.body } : {}), expectBody: x.responseBody }
  }
  const call = async () => {
    const { result } = await client.call('echo', PAYLOAD)
    if (JSON.stringify(result) !== JSON.stringify(PAYLOAD)) throw new Error('echo came back changed')
    return last('call')
  }
  const ctx = async (user_id: number) => {
    const bundle = await client.context('profile', { user_id })
    if (Object.keys(bundle).length !== 4) throw new Error(`context profile returned ${Object.keys(bundle).length} members`)
    return last('ctx')
  }
  // The mutation renames a user to the name it has: every body stays the same, but each one
  // really runs, invalidates, and purges that user's cached bundle.
  const mutation = async (user_id: number) => {
    const { result } = await client.call('renameUser', { user_id, name: userName(user_id) })
    if (!result.ok) throw new Error('rename failed')
    return last('mutation')
  }
  const theCall = await call()
  const requests: SoakRequest[] = []
  const reads = new Map<number, SoakRequest>()
  const writes = new Map<number, SoakRequest>()
  // Users in a fixed stride over 1..USER_COUNT, so reads and renames meet the same users at different times.
  let r = 0
  let w = 0
  for (let c = 0; c < cycles; c++) {
    for (const tag of MIX) {
      if (tag === 'call') requests.push(theCall)
      else if (tag === 'ctx') {
        const user = ((r++ * 7) % USER_COUNT) + 1
        if (!reads.has(user)) reads.set(user, await ctx(user))
        requests.push(reads.get(user)!)
      } else {
        const user = ((w++ * 11) % USER_COUNT) + 1
        if (!writes.has(user)) writes.set(user, await mutation(user))
        requests.push(writes.get(user)!)
      }
    }
  }
  const show = (q: SoakRequest) => `${q.method} ${q.path.replace(/\?.*/, '?…')}${q.body ? ` (${q.body.length} B)` : ''}`
  const description = `${requests.length} requests per cycle per connection: ${MIX.filter((t) => t === 'ctx').length * 10}% context reads (${show(reads.values().next().value!)}, ${reads.size} users, 4 members), ${MIX.filter((t) => t === 'call').length * 10}% calls (${show(theCall)}), ${MIX.filter((t) => t === 'mutation').length * 10}% mutations (${show(writes.values().next().value!)}, ${writes.size} users, each purging that user's cached bundle)`
  return { requests, description }
}
