import { buildOpenApi } from '../../../../../src/server/openapi/index.ts'
import { router } from '../../../server/router.ts'

/** The API's OpenAPI 3.1 document, for Scalar, Swagger UI or a client generator. */
export function GET(): Response {
  return Response.json(buildOpenApi(router, { title: 'Mizan Next.js example', version: '1.0.0' }))
}
