// The same router as a Cloudflare Worker (module syntax), bundled as wrangler would bundle it.
import { createFetchHandler } from 'mizan-ts/adapters/fetch'
import { options, router } from './router.mjs'

const handle = createFetchHandler(router, options)
export default { fetch: (request) => handle(request) }
