import { DIALECTS, type Dialect, ERROR_STATUS } from '../../shared/protocol.ts'
import type { AuthRequirement } from '../defineClient.ts'
import type { AnyServerRouter, RegisteredContext, RegisteredFunction } from '../router.ts'
import { jsonSchemaOf, paramSchema, type SchemaObject } from './json-schemas.ts'

export interface OpenApiOptions {
  title?: string
  version?: string
  description?: string
  /** Where the API is mounted, e.g. `https://example.com`; the dialect's prefix is appended. */
  serverUrl?: string
  /** `'mizan'` (default) or `'izana'`: the prefix and header spellings of the backend described. */
  dialect?: Dialect
}

/** What the document is built from: a router's registered functions and contexts. */
export type OpenApiRouter = Pick<AnyServerRouter, 'functions' | 'contexts'>

export type OpenApiDocument = SchemaObject & { openapi: '3.1.0'; paths: Record<string, Record<string, SchemaObject>> }

/** What `/call/` answers besides `result`: the cache consequences (docs/PROTOCOL.md §5). */
const CALL_EXTRAS: SchemaObject = {
  invalidate: { type: 'array', items: { $ref: '#/components/schemas/InvalidateEntry' } },
  merge: { type: 'array', items: { $ref: '#/components/schemas/MergeEntry' } },
}

function components(dialect: Dialect): SchemaObject {
  return {
    schemas: {
      MizanError: {
        type: 'object',
        description: 'Every error travels in this flat envelope (docs/PROTOCOL.md §3).',
        required: ['error', 'code', 'message'],
        properties: {
          error: { const: true },
          code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
          message: { type: 'string' },
          details: { type: 'object', description: 'VALIDATION_ERROR: `fields`, the messages per input path.' },
        },
      },
      InvalidateEntry: {
        description: 'A context name, a context with the params it is scoped to, or a function read as a query.',
        oneOf: [
          { type: 'string' },
          { type: 'object', required: ['context', 'params'], properties: { context: { type: 'string' }, params: { type: 'object' } } },
          { type: 'object', required: ['function'], properties: { function: { type: 'string' }, params: { type: 'object' } } },
        ],
      },
      MergeEntry: {
        type: 'object',
        required: ['context', 'slot', 'value'],
        properties: { context: { type: 'string' }, slot: { type: 'string' }, value: {}, params: { type: 'object' } },
      },
    },
    responses: Object.fromEntries(
      Object.entries(ERROR_STATUS).map(([code, status]) => [
        code,
        { description: `${code} (HTTP ${status})`, content: { 'application/json': { schema: { $ref: '#/components/schemas/MizanError' } } } },
      ]),
    ),
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'sessionid', description: 'A session cookie; POSTs also need the CSRF token from `session/` in X-CSRFToken.' },
      bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token>' },
      mwt: { type: 'apiKey', in: 'header', name: DIALECTS[dialect].tokenHeader, description: 'A Mizan web token.' },
    },
  }
}

const errorRefs = (...codes: (keyof typeof ERROR_STATUS)[]) =>
  Object.fromEntries(codes.map((code) => [String(ERROR_STATUS[code]), { $ref: `#/components/responses/${code}` }]))

/** Who may call: nothing for a public function; otherwise any of the three credentials, and the refusals. */
function security(auth: AuthRequirement | undefined): SchemaObject {
  if (auth === undefined) return { security: [{}, { session: [] }, { bearer: [] }, { mwt: [] }] }
  const who = auth === true ? 'a signed-in user' : auth === 'staff' ? 'a staff user' : auth === 'superuser' ? 'a superuser' : "a user the function's own check admits"
  return { security: [{ session: [] }, { bearer: [] }, { mwt: [] }], 'x-mizan-auth': who }
}

/** `security` names 401/403 beside the rest; a 4xx response object per code (OpenAPI keys responses by status). */
function responses(ok: SchemaObject, auth: boolean, extra: (keyof typeof ERROR_STATUS)[]): SchemaObject {
  const codes: (keyof typeof ERROR_STATUS)[] = ['BAD_REQUEST', 'NOT_FOUND', 'VALIDATION_ERROR', 'INTERNAL_ERROR', ...extra]
  if (auth) codes.push('UNAUTHORIZED', 'FORBIDDEN')
  return { '200': ok, ...errorRefs(...codes) }
}

function callOperation(reg: RegisteredFunction): SchemaObject {
  const { input, output, auth } = reg.fn.options
  const args = input ? jsonSchemaOf(input, 'input') : { type: 'object', maxProperties: 0 }
  return {
    operationId: `call_${reg.wireName}`,
    summary: `Call ${reg.key}`,
    tags: ['functions'],
    ...security(auth),
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { type: 'object', required: ['fn', 'args'], properties: { fn: { const: reg.wireName }, args } },
        },
      },
    },
    responses: responses(
      {
        description: 'The result, and what the call changed in which contexts.',
        content: { 'application/json': { schema: { type: 'object', required: ['result'], properties: { result: jsonSchemaOf(output, 'output'), ...CALL_EXTRAS } } } },
      },
      auth !== undefined,
      [],
    ),
  }
}

function contextOperation(ctx: RegisteredContext): SchemaObject {
  const auth = ctx.members.find((m) => m.fn.options.auth !== undefined)?.fn.options.auth
  const members = Object.fromEntries(ctx.members.map((m) => [m.wireName, jsonSchemaOf(m.fn.options.output, 'output')]))
  return {
    operationId: `ctx_${ctx.name}`,
    summary: `Read the ${ctx.name} context: ${ctx.members.map((m) => m.key).join(', ')}`,
    tags: ['contexts'],
    ...security(auth),
    parameters: [...ctx.params.values()].map((p) => ({ name: p.name, in: 'query', required: p.required, schema: paramSchema(p.kind) })),
    responses: responses(
      {
        description: 'The bundle: each member by wire name.',
        content: { 'application/json': { schema: { type: 'object', required: Object.keys(members), properties: members } } },
      },
      auth !== undefined,
      [],
    ),
  }
}

/** Functions a client can call over `/call/`: not private, not a view, not a context member. */
export const callableFunctions = (router: OpenApiRouter): RegisteredFunction[] =>
  [...router.functions.values()].filter((reg) => !reg.fn.options.private && reg.fn.options.route === undefined && !reg.fn.options.context)

/**
 * An OpenAPI 3.1 document of a router's wire API: one operation per callable function (`POST
 * call/`, with the function named in the body) and one per context (`GET ctx/<name>/`), with
 * request and response schemas, the error envelope and who may call. All functions share the
 * one `call/` endpoint, so each has its own path item keyed `call/#<wire name>`: a fragment
 * never reaches the server, so a tool that sends a request to that path sends it to `call/`.
 */
export function buildOpenApi(router: OpenApiRouter, options: OpenApiOptions = {}): OpenApiDocument {
  const dialect = options.dialect ?? 'mizan'
  const prefix = DIALECTS[dialect].prefix
  const paths: Record<string, Record<string, SchemaObject>> = {}
  for (const reg of callableFunctions(router)) paths[`${prefix}/call/#${reg.wireName}`] = { post: callOperation(reg) }
  for (const ctx of router.contexts.values()) paths[`${prefix}/ctx/${encodeURIComponent(ctx.name)}/`] = { get: contextOperation(ctx) }
  return {
    openapi: '3.1.0',
    info: { title: options.title ?? 'Mizan API', version: options.version ?? '0.0.0', ...(options.description && { description: options.description }) },
    ...(options.serverUrl !== undefined && { servers: [{ url: options.serverUrl }] }),
    tags: [
      { name: 'functions', description: 'POST call/ with {"fn": <wire name>, "args": {...}}' },
      { name: 'contexts', description: 'GET ctx/<name>/?<params>: every member of the context in one bundle' },
    ],
    paths,
    components: components(dialect),
  }
}

