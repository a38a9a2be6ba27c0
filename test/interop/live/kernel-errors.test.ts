/**
 * Every error the live Django backend sends reaches our kernel as the right typed MizanError:
 * code, HTTP status, message and details (fieldErrors for validation failures).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMizanClient, hasErrorCode, MizanError, type MizanClient, type MizanErrorCode } from '../../../src/client/index.ts'
import { untyped } from '../../../src/client/types.ts'
import type { izanaFixtureRouter } from '../replay/izana-fixture-router.ts'
import { countingFetch, SESSIONS, startPythonBackend, type PythonBackend } from './python-backend.ts'

type Fixture = typeof izanaFixtureRouter

let backend: PythonBackend
beforeAll(async () => {
  backend = await startPythonBackend()
})
afterAll(async () => {
  await backend?.stop()
})

function client(session?: keyof typeof SESSIONS) {
  const traffic = countingFetch()
  const api: MizanClient<Fixture> = createMizanClient<Fixture>({
    dialect: 'izana',
    baseUrl: backend.baseUrl,
    fetch: traffic.fetch,
    retry: { baseDelayMs: 10 },
    ...(session ? { headers: { Cookie: `sessionid=${SESSIONS[session]}` } } : {}),
  })
  return { api, traffic }
}

/** The rejection of `work`, asserted to be a MizanError. */
async function failure(work: Promise<unknown>): Promise<MizanError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(MizanError)
  return error as MizanError
}

function expectError(error: MizanError, code: MizanErrorCode, status: number, message: string | RegExp) {
  expect(error.code).toBe(code)
  expect(error.status).toBe(status)
  if (typeof message === 'string') expect(error.message).toBe(message)
  else expect(error.message).toMatch(message)
}

describe('kernel → Python: typed errors', () => {
  it('NOT_FOUND: unknown function, unknown context, a missing row, and NotFound with details', async () => {
    const { api } = client()
    expectError(await failure(untyped(api).call('no_such_function')), 'NOT_FOUND', 404, 'Function not found')
    expectError(await failure(untyped(api).context('no_such_context')), 'NOT_FOUND', 404, "Context 'no_such_context' not found")
    expectError(await failure(api.context('user', { user_id: 99 })), 'NOT_FOUND', 404, 'user 99 not found')
    const withDetails = await failure(api.call('coreNotFoundFn', { item_id: 5 }))
    expectError(withDetails, 'NOT_FOUND', 404, 'item 5 does not exist')
    expect(withDetails.details).toEqual({ item_id: 5 })
  })

  it('VALIDATION_ERROR with fieldErrors, for calls and for context params', async () => {
    const { api } = client()
    const wrongType = await failure(api.call('add', { a: 'two' as unknown as number, b: 1 }))
    expectError(wrongType, 'VALIDATION_ERROR', 422, 'Input validation failed')
    expect(wrongType.fieldErrors).toEqual({ a: ['Input should be a valid integer, unable to parse string as an integer'] })

    const missing = await failure(api.call('add', {} as unknown as { a: number; b: number }))
    expect(missing.fieldErrors).toEqual({ a: ['Field required'], b: ['Field required'] })

    const nested = await failure(api.call('typedArgs', { flag: true, ratio: 1, tags: ['ok', 3 as unknown as string], item: { id: 'x' as unknown as number, name: 'n' } }))
    expect(nested.fieldErrors).toEqual({ 'tags.1': ['Input should be a valid string'], 'item.id': ['Input should be a valid integer, unable to parse string as an integer'] })

    const custom = await failure(api.call('coreValidationFn'))
    expectError(custom, 'VALIDATION_ERROR', 422, 'custom validation')
    expect(custom.fieldErrors).toEqual({ name: ['taken'] })

    const param = await failure(untyped(api).context('user', {}))
    expectError(param, 'VALIDATION_ERROR', 422, 'Input validation failed')
    expect(param.fieldErrors).toEqual({ user_id: ['Field required'] })

    // The type guard narrows to the code, and fieldErrors is typed.
    if (!hasErrorCode(custom, 'VALIDATION_ERROR')) throw new Error('expected VALIDATION_ERROR')
    const fields: Record<string, string[]> = custom.fieldErrors
    expect(fields['name']).toEqual(['taken'])
  })

  it('UNAUTHORIZED for anonymous callers of auth functions and auth contexts', async () => {
    const { api } = client()
    expectError(await failure(api.call('whoami')), 'UNAUTHORIZED', 401, 'Authentication required')
    expectError(await failure(api.call('mwtObtain')), 'UNAUTHORIZED', 401, 'Authentication required')
    expectError(await failure(api.context('secure')), 'UNAUTHORIZED', 401, 'Authentication required')
  })

  it('FORBIDDEN for insufficient rights, refusing predicates, PermissionError and private functions', async () => {
    const alice = client('alice').api
    const sam = client('sam').api
    expectError(await failure(alice.call('staffOnly')), 'FORBIDDEN', 403, 'Staff access required')
    expectError(await failure(sam.call('superuserOnly')), 'FORBIDDEN', 403, 'Superuser access required')
    expectError(await failure(sam.call('permissionCheckFn')), 'FORBIDDEN', 403, 'Access denied')
    expect((await alice.call('permissionCheckFn')).result).toMatchObject({ id: 1 })
    expectError(await failure(alice.call('permissionRaiseFn')), 'FORBIDDEN', 403, 'only on Tuesdays')
    expectError(await failure(alice.call('permissionErrorFn')), 'FORBIDDEN', 403, 'you shall not pass')
    expectError(await failure(alice.call('permissionErrorBare')), 'FORBIDDEN', 403, 'Permission denied')
    // A private function is not even callable by type; the server refuses it too.
    expectError(await failure(untyped(alice).call('secretFn')), 'FORBIDDEN', 403, 'Function is not client-callable')
  })

  it('INTERNAL_ERROR without internals; the kernel retries a failing bundle read twice, never a call', async () => {
    const { api, traffic } = client()
    const call = await failure(api.call('buggyFn'))
    expectError(call, 'INTERNAL_ERROR', 500, 'An internal error occurred')
    expect(call.details).toBeUndefined()
    expect(traffic.calls()).toBe(1)
    const bundle = await failure(api.context('broken'))
    expectError(bundle, 'INTERNAL_ERROR', 500, 'An internal error occurred')
    expect(traffic.contextReads()).toEqual(['broken', 'broken', 'broken'])
  })

  it('NOT_IMPLEMENTED, with its message or an empty one', async () => {
    const { api } = client()
    expectError(await failure(api.call('notImplementedFn')), 'NOT_IMPLEMENTED', 501, 'coming soon')
    expectError(await failure(api.call('notImplementedBare')), 'NOT_IMPLEMENTED', 501, '')
  })

  it('BAD_REQUEST for a missing function name and for non-object args', async () => {
    const { api } = client()
    expectError(await failure(untyped(api).call('')), 'BAD_REQUEST', 400, "Missing 'fn' field")
    expectError(await failure(untyped(api).call('add', [1, 2])), 'BAD_REQUEST', 400, 'Input must be an object, not list')
    expectError(await failure(untyped(api).call('add', 'a string')), 'BAD_REQUEST', 400, 'Input must be an object, not str')
  })

  it("FORBIDDEN for Django's HTML CSRF page and NOT_FOUND for its HTML 404 page: mapped by status (issue #28)", async () => {
    const noCsrf = createMizanClient<Fixture>({ dialect: 'izana', baseUrl: backend.baseUrl, csrf: false })
    const csrf = await failure(noCsrf.call('ping'))
    expectError(csrf, 'FORBIDDEN', 403, 'Forbidden')
    const wrongMount = createMizanClient<Fixture>({ dialect: 'izana', baseUrl: `${backend.origin}/api/nowhere` })
    expectError(await failure(wrongMount.context('global')), 'NOT_FOUND', 404, 'Not Found')
  })
})
