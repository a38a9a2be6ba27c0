/**
 * How a replayed golden case is judged: what is skipped and why, our deliberate deviations,
 * and the comparison itself, shared by every replay (in-process, and a Python client over HTTP).
 */
import { isDeepStrictEqual } from 'node:util'
import { parseJsonExact, stringifyJson } from '../../../src/shared/exact-json.ts'
import { DIALECTS, type Dialect } from '../../../src/shared/protocol.ts'
import type { GoldenCase } from './golden-cases.ts'

/** Cases this replay does not cover yet, each with its reason. */
export const SKIPPED: { match: (c: GoldenCase) => boolean; why: string }[] = [
  { match: (c) => c.name.startsWith('ws-') || c.name.startsWith('r2-ws-'), why: 'WebSocket frames: replayed by test/ws/golden-ws-replay.test.ts and test/interop/replay/round2-ws-replay.test.ts' },
  { match: (c) => c.server === 'stock', why: "recorded on a stock Django project (DEBUG, global CSRF middleware): Django's behaviour, not the protocol" },
  { match: (c) => c.name === 'call-jwt-obtain-alice', why: 'issuing legacy JWTs: we verify legacy Bearer tokens but issue only MWTs' },
]

/** Deliberate differences: we never answer with an HTML page or crash. */
const DEVIATIONS: Record<string, { status: number; code: string; why: string }> = {
  'call-body-array': { status: 400, code: 'BAD_REQUEST', why: 'the reference crashes (HTML 500) on a JSON array body' },
  'call-no-csrf': { status: 403, code: 'FORBIDDEN', why: "the reference answers CSRF failures with Django's HTML page" },
  'call-csrf-mismatch': { status: 403, code: 'FORBIDDEN', why: 'as above' },
  'call-csrf-cookie-no-header': { status: 403, code: 'FORBIDDEN', why: 'as above' },
  'call-put-no-csrf': { status: 403, code: 'FORBIDDEN', why: 'as above' },
  'call-no-csrf-authenticated': { status: 403, code: 'FORBIDDEN', why: 'as above' },
  'r2-call-is-finite-inf': { status: 422, code: 'VALIDATION_ERROR', why: "z.number() takes finite numbers only: JSON has no Infinity (Python would answer one as the non-JSON token `Infinity`)" },
  'r2-call-is-finite-nan-word': { status: 422, code: 'VALIDATION_ERROR', why: 'as above, for NaN' },
}

/** Deliberate differences in the invalidate header, each with the header we send instead. */
const HEADER_DEVIATIONS: Record<string, { invalidate: string; why: string }> = {
  'r2-call-rate-books-float': {
    invalidate: 'ratings;min_rating=4',
    why: 'the reference prints the raw argument with str(): 4.0 for the JSON literal 4.0; JSON.parse gives us the number 4, which prints as 4 (the body entry is the same JSON number)',
  },
}

/** Differences only one spelling makes: the izana dialect matches the reference, the mizan one keeps our stricter rule. */
const DIALECT_DEVIATIONS: Record<string, { dialect: Dialect; status: number; code: string; why: string }> = {
  'r2-call-echo-empty-token': { dialect: 'mizan', status: 401, code: 'UNAUTHORIZED', why: 'an empty X-Mizan-Token header is a token that does not verify; the izana dialect reads it as absent, as the reference does' },
}

/** Deliberate differences in a 200 body, each with what we answer instead. */
const BODY_DEVIATIONS: Record<string, { why: string; check: (body: unknown) => boolean }> = {
  'ctx-user-1-after-merge': {
    why: 'the reference does not purge its cache on merge and serves a stale HIT; we purge, so the bundle is fresh',
    check: (body) => (body as { user_profile?: { name?: string } }).user_profile?.name === 'Ally',
  },
}

export function skipReason(c: GoldenCase): string | undefined {
  return SKIPPED.find((s) => s.match(c))?.why
}

/** Values the recorder scrubbed (`response.json.<key>`, at the top or under `result`) are scrubbed in ours too. */
function scrub(c: GoldenCase, body: unknown): unknown {
  const keys = c.scrubbed.map((path) => /^response\.json\.(\w+)$/.exec(path)?.[1]).filter((k): k is string => !!k)
  const apply = (value: unknown, recorded: unknown): unknown => {
    if (typeof value !== 'object' || value === null || typeof recorded !== 'object' || recorded === null) return value
    const out = { ...(value as Record<string, unknown>) }
    const rec = recorded as Record<string, unknown>
    for (const key of keys) if (key in out && key in rec) out[key] = rec[key]
    if ('result' in out) out['result'] = apply(out['result'], rec['result'])
    return out
  }
  return keys.length ? apply(body, c.response?.json) : body
}

type FormErrors = { field: string; errors: { code?: string }[] }[]
const formCodes = (list: FormErrors) => list.map((f) => ({ field: f.field, codes: f.errors.map((e) => e.code) }))

/** Pydantic's and Django's message texts are not ours to copy; the fields (and codes) that failed must match. */
function normalize(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body
  const result = (body as { result?: { errors?: FormErrors | { errors: FormErrors } } }).result
  if (result && Array.isArray(result.errors)) return { result: { ...result, errors: formCodes(result.errors) } }
  if (result?.errors && 'errors' in result.errors) return { result: { ...result, errors: { errors: formCodes(result.errors.errors) } } }
  const env = body as { code?: string; message?: string; details?: { fields?: Record<string, string[]> } }
  if (env.code === 'VALIDATION_ERROR' && env.message === 'Input validation failed' && env.details?.fields) {
    return { ...env, details: { fields: Object.keys(env.details.fields).sort() } }
  }
  return body
}


/** The request of a case, re-spelled for a dialect (the recording is in the Izana spelling). */
export function translateRequest(c: GoldenCase, dialect: Dialect) {
  const spelling = DIALECTS[dialect]
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(c.request.headers)) {
    headers[name === 'x-izana-token' ? spelling.tokenHeader.toLowerCase() : name] = value
  }
  const query = new URLSearchParams(c.request.query ?? {}).toString()
  return { method: c.request.method, path: `${spelling.prefix}${c.request.path}${query ? `?${query}` : ''}`, headers, body: c.request.body }
}

export interface Observed {
  status: number
  header(name: string): string | null
  text: string
}

/** Everything wrong with one observed response, as readable lines (empty when it matches). */
export function judge(c: GoldenCase, observed: Observed, dialect: Dialect): string[] {
  const spelling = DIALECTS[dialect]
  const expected = c.response!
  const failures: string[] = []
  const fail = (what: string) => failures.push(`${c.name} [${dialect}]: ${what}`)
  const { status, text } = observed
  const dialectDeviation = DIALECT_DEVIATIONS[c.name]
  const deviation = DEVIATIONS[c.name] ?? (dialectDeviation?.dialect === dialect ? dialectDeviation : undefined)
  if (deviation) {
    if (status !== deviation.status) fail(`status ${status}, expected ${deviation.status} (${deviation.why})`)
    else if ((JSON.parse(text) as { code?: string }).code !== deviation.code) fail(`code, expected ${deviation.code}`)
    return failures
  }
  if (status !== expected.status) return [...failures, `${c.name} [${dialect}]: status ${status} ≠ ${expected.status}: ${text.slice(0, 200)}`]
  const bodyDeviation = BODY_DEVIATIONS[c.name]
  const wantCache = expected.headers['x-izana-cache']
  const gotCache = observed.header(spelling.cacheHeader) ?? undefined
  if (wantCache !== gotCache && !bodyDeviation) fail(`cache header ${gotCache} ≠ ${String(wantCache)}`)
  const wantInvalidate = HEADER_DEVIATIONS[c.name]?.invalidate ?? expected.headers['x-izana-invalidate']
  const gotInvalidate = observed.header(spelling.invalidateHeader) ?? undefined
  if (wantInvalidate !== gotInvalidate) fail(`invalidate header ${gotInvalidate} ≠ ${String(wantInvalidate)}`)
  if (expected.headers['cache-control'] === 'no-store' && observed.header('cache-control') !== 'no-store') fail('missing Cache-Control: no-store')
  const location = expected.headers['location']
  if (typeof location === 'string' && observed.header('location') !== location.replace(DIALECTS.izana.prefix, spelling.prefix)) {
    fail(`location ${observed.header('location')}`)
  }
  if (bodyDeviation) {
    if (!bodyDeviation.check(JSON.parse(text))) fail(`deviating body not as intended (${bodyDeviation.why}): ${text}`)
    return failures
  }
  if (expected.json !== null) {
    let got: unknown
    try {
      // Exact: integers beyond 2^53 compare digit for digit (bigints), not rounded alike.
      got = parseJsonExact(text)
    } catch {
      return [...failures, `${c.name} [${dialect}]: not JSON: ${text.slice(0, 120)}`]
    }
    const want = parseJsonExact(expected.body)
    if (!isDeepStrictEqual(normalize(scrub(c, got)), normalize(want))) fail(`body ${stringifyJson(got)} ≠ ${expected.body}`)
  } else if (!String(expected.headers['content-type'] ?? '').startsWith('text/html')) {
    if (text !== expected.body) fail(`raw body ${JSON.stringify(text)} ≠ ${JSON.stringify(expected.body)}`)
    if (observed.header('content-type') !== expected.headers['content-type']) fail(`content-type ${observed.header('content-type')}`)
  }
  return failures
}
