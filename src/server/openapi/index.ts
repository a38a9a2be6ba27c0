/**
 * `mizan-ts/openapi`: an OpenAPI 3.1 document of a router's wire API (`buildOpenApi`), also
 * from the command line: `mizan openapi <router-module> [--export name] [-o openapi.json]`.
 */
export { buildOpenApi, callableFunctions, type OpenApiDocument, type OpenApiOptions, type OpenApiRouter } from './build-document.ts'
export { jsonSchemaOf, type SchemaObject } from './json-schemas.ts'
