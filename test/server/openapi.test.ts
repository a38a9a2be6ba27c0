import { compileErrors, validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/mizan.ts'
import { buildOpenApi, type OpenApiDocument } from '../../src/server/openapi/index.ts'
import type { AnyServerRouter } from '../../src/server/router.ts'
import { appRouter } from '../fixtures/app-router.ts'
import { formsRouter } from '../forms/forms-router.ts'
import { todoRouter } from '../fixtures/todo-router.ts'

type Operation = { operationId: string; security?: object[]; parameters?: { name: string; required: boolean; schema: object }[]; requestBody?: any; responses: Record<string, any> }

const operations = (doc: OpenApiDocument) => Object.values(doc.paths).flatMap((item) => Object.values(item) as Operation[])
const op = (doc: OpenApiDocument, id: string) => operations(doc).find((o) => o.operationId === id)!

/** Counted from the registrations, independently of the builder's own filter. */
function wireSurface(router: AnyServerRouter) {
  let callable = 0
  for (const reg of router.functions.values()) {
    const { private: hidden, route, context } = reg.fn.options
    if (!hidden && route === undefined && context === false) callable++
  }
  return callable + router.contexts.size
}

describe('OpenAPI 3.1 document', () => {
  it.each([
    ['the test app', appRouter],
    ['forms', formsRouter],
    ['to-dos', todoRouter],
  ] as [string, AnyServerRouter][])('of %s passes @readme/openapi-parser, with one operation per callable function and context', async (_name, router) => {
    const doc = buildOpenApi(router, { title: 'Fixture', version: '1.0.0' })
    const result = await validate(structuredClone(doc) as never)
    expect(result.valid ? '' : compileErrors(result)).toBe('')
    expect(result.valid).toBe(true)
    expect(operations(doc)).toHaveLength(wireSurface(router))
    expect(new Set(operations(doc).map((o) => o.operationId)).size).toBe(operations(doc).length)
  })

  it('the validator is not a rubber stamp: a broken document fails it', async () => {
    const doc = structuredClone(buildOpenApi(todoRouter)) as any
    doc.paths['/api/mizan/ctx/todos/'].get.parameters = [{ name: 'x', in: 'nowhere' }]
    expect((await validate(doc)).valid).toBe(false)
  })

  it('describes requests, responses, errors and auth', () => {
    const doc = buildOpenApi(appRouter)
    const echo = op(doc, 'call_echo')
    expect(echo.requestBody.content['application/json'].schema.properties).toMatchObject({
      fn: { const: 'echo' },
      args: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    })
    expect(echo.responses['200'].content['application/json'].schema.properties.result).toMatchObject({ properties: { message: { type: 'string' } } })
    expect(echo.responses['422']).toEqual({ $ref: '#/components/responses/VALIDATION_ERROR' })
    expect(echo.responses['401']).toBeUndefined()
    expect(op(doc, 'call_whoami').responses['401']).toEqual({ $ref: '#/components/responses/UNAUTHORIZED' })
    expect(op(doc, 'call_whoami').security).toEqual([{ session: [] }, { bearer: [] }, { mwt: [] }])
    const user = op(doc, 'ctx_user')
    expect(user.parameters).toEqual([
      { name: 'user_id', in: 'query', required: true, schema: { type: 'integer' } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
    ])
    expect(Object.keys(user.responses['200'].content['application/json'].schema.properties)).toEqual(['user_profile', 'user_posts'])
    expect(op(doc, 'ctx_members').security).toEqual([{ session: [] }, { bearer: [] }, { mwt: [] }])
    // Private and view functions, and context members, are not operations of their own.
    for (const id of ['call_secret_fn', 'call_profile_page', 'call_user_profile']) expect(op(doc, id)).toBeUndefined()
    expect(Object.keys(doc.paths)).toContain('/api/mizan/call/#echo')
    expect((doc.components as any).schemas.MizanError.required).toEqual(['error', 'code', 'message'])
  })

  it('the izana dialect mounts under its own prefix and token header', () => {
    const doc = buildOpenApi(appRouter, { dialect: 'izana', serverUrl: 'https://api.example.com' })
    expect(Object.keys(doc.paths).every((path) => path.startsWith('/api/izana/'))).toBe(true)
    expect((doc.components as any).securitySchemes.mwt.name).toBe('X-Izana-Token')
    expect(doc['servers']).toEqual([{ url: 'https://api.example.com' }])
  })

  it('`mizan openapi <router>` prints the same document', async () => {
    let out = ''
    const code = await main(['openapi', 'test/fixtures/app-router.ts', '--export', 'appRouter', '--title', 'Fixture'], { stdout: (t) => (out += t), stderr: () => {} })
    expect(code).toBe(0)
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(buildOpenApi(appRouter, { title: 'Fixture' }))))
    let err = ''
    expect(await main(['openapi'], { stdout: () => {}, stderr: (t) => (err += t) })).toBe(2)
    expect(err).toContain('openapi takes one router module')
  })
})
