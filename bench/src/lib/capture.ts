/**
 * What each framework's own client puts on the wire for one call, captured once against the
 * running server. The load generator then replays exactly that request and checks every
 * response against the captured one, so the load is what a real client would send and a
 * server that answers wrongly cannot look fast.
 */
import { createORPCClient } from '@orpc/client'
import { RPCLink } from '@orpc/client/fetch'
import type { RouterClient } from '@orpc/server'
import { createTRPCClient, httpLink } from '@trpc/client'
import { createMizanClient } from '../../../src/client/index.ts'
import type { MizanRouter } from '../servers/mizan.ts'
import type { OrpcRouter } from '../servers/orpc.ts'
import type { TrpcRouter } from '../servers/trpc.ts'
import { recordingFetch, type Captured } from './recording-fetch.ts'
import { PAYLOAD } from '../shared/payload.ts'

export type { Captured }

function check(name: string, sink: Captured[], got: unknown, want: unknown): Captured {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${name}: the client got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`)
  const last = sink.at(-1)
  if (!last || last.status !== 200) throw new Error(`${name}: no 200 exchange captured`)
  return last
}

export async function captureEcho(kind: string, port: number): Promise<Captured> {
  const origin = `http://127.0.0.1:${port}`
  const sink: Captured[] = []
  const fetch = recordingFetch(sink)
  switch (kind) {
    case 'mizan': {
      const client = createMizanClient<MizanRouter>({ baseUrl: `${origin}/api/mizan`, csrf: false, fetch })
      const { result } = await client.call('echo', PAYLOAD)
      return check(kind, sink, result, PAYLOAD)
    }
    case 'trpc': {
      const client = createTRPCClient<TrpcRouter>({ links: [httpLink({ url: origin, fetch })] })
      return check(kind, sink, await client.echo.mutate(PAYLOAD), PAYLOAD)
    }
    case 'orpc': {
      const client: RouterClient<OrpcRouter> = createORPCClient(new RPCLink({ url: `${origin}/rpc`, fetch }))
      return check(kind, sink, await client.echo(PAYLOAD), PAYLOAD)
    }
    case 'bare': {
      const response = await fetch(`${origin}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PAYLOAD) })
      const body = (await response.json()) as { result: unknown }
      return check(kind, sink, body.result, PAYLOAD)
    }
    default:
      throw new Error(`no capture for ${kind}`)
  }
}

/** A context read and the one plain call it is compared with, as our client sends them. */
export async function captureContext(port: number, name: 'dash' | 'slow'): Promise<{ ctx: Captured; call: Captured; requestsPerBundle: number }> {
  const sink: Captured[] = []
  const client = createMizanClient<MizanRouter>({ baseUrl: `http://127.0.0.1:${port}/api/mizan`, csrf: false, fetch: recordingFetch(sink) })
  const bundle = await client.context(name, { user_id: 7 })
  const requestsPerBundle = sink.length
  if (Object.keys(bundle).length !== 10) throw new Error(`context ${name} returned ${Object.keys(bundle).length} members`)
  const ctx = sink.at(-1)!
  await client.call('dashOne', { user_id: 7 })
  return { ctx, call: sink.at(-1)!, requestsPerBundle }
}
