import { createFetchHandler } from '../../../../../../src/server/adapters/fetch.ts'
import { router } from '../../../../server/router.ts'

// The protocol's endpoints (call/, ctx/<name>/, session/) under /api/mizan, through the fetch adapter.
const handle = createFetchHandler(router)

export const GET = handle
export const POST = handle
export const dynamic = 'force-dynamic'
