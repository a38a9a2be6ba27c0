/**
 * The HTTP bad-input battery as data: each case is a raw request and the exact status and
 * error code the server must answer with (code `null` = a success body).
 */
export interface BatteryCase {
  name: string
  method?: string
  path?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  status: number
  code: string | null
  /** Extra check on the response. */
  check?: (res: { headers: Headers; text: string }) => string | undefined
}

const call = (name: string, body: string | Uint8Array, status: number, code: string | null, extra: Partial<BatteryCase> = {}): BatteryCase => ({
  name,
  method: 'POST',
  path: '/api/mizan/call/',
  headers: { 'content-type': 'application/json' },
  body,
  status,
  code,
  ...extra,
})
const ctx = (name: string, query: string, status: number, code: string | null, context = 'user'): BatteryCase => ({
  name,
  path: `/api/mizan/ctx/${context}/${query}`,
  status,
  code,
})
const nest = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth)

const MALFORMED = [
  '{', '}', '{"fn":', '{"fn":"ping"', '{"fn":"ping",}', "{'fn':'ping'}", '{fn:"ping"}', '{"fn":"ping"}}', 'nul', 'tru', 'undefined',
  'NaN', 'Infinity', '-Infinity', '{"fn":NaN}', '{"fn":"add","args":{"a":NaN,"b":1}}', '{"fn":"add","args":{"a":Infinity,"b":1}}',
  '{"fn":"ping"/*c*/}', '// x\n{"fn":"ping"}', '{"fn":"ping",\n"args":{,}}', '{"fn":"\u0001"}'.replace('\\u0001', '\u0001'), '[1,]',
  '{"fn":"ping" "args":{}}', '{"fn":"ping":1}', '{"fn":01}', '{"fn":1.}', '{"fn":.5}', '{"fn":+1}', '{"fn":0x10}', '{"fn":"\\x41"}',
  '{"fn":"\\u12"}', '{"fn":"ping"}garbage', '\u0000', '{"fn":"ping",}', '<xml/>', 'fn=ping&args=1', '{"fn":"ping","args":{"a":1,"a"}}',
  '{"fn":"ping","args":[}', '"unterminated', '{"fn":"ping"}\u0000',
]

const NON_OBJECT = ['[]', '[1]', '1', '"ping"', 'true', 'false', 'null', '-0', '1e5', '[{"fn":"ping"}]']

const MISSING_FN = ['{}', '{"fn":""}', '{"fn":null}', '{"fn":0}', '{"fn":false}', '{"args":{}}']
const UNKNOWN_FN = [
  '123', 'true', '[]', '{}', '"nope"', '"__proto__"', '"constructor"', '"toString"', '"hasOwnProperty"', '"../ping"', '"PING"',
  '"ping "', '" ping"', '"ping\\u0000"', '"user_profile.x"', '"valueOf"', '"secret_fn/"', '"%70ing"',
].map((fn) => `{"fn":${fn}}`)

const ADD_ARGS: [string, number, string | null][] = [
  ['[1,2]', 400, 'BAD_REQUEST'], ['"str"', 400, 'BAD_REQUEST'], ['5', 400, 'BAD_REQUEST'], ['true', 400, 'BAD_REQUEST'],
  ['{"a":"x","b":1}', 422, 'VALIDATION_ERROR'], ['{"a":1}', 422, 'VALIDATION_ERROR'], ['{}', 422, 'VALIDATION_ERROR'],
  ['null', 422, 'VALIDATION_ERROR'], ['[]', 422, 'VALIDATION_ERROR'], ['0', 422, 'VALIDATION_ERROR'], ['false', 422, 'VALIDATION_ERROR'],
  ['""', 422, 'VALIDATION_ERROR'], ['{"a":1.5,"b":1}', 422, 'VALIDATION_ERROR'], ['{"a":9007199254740993,"b":1}', 422, 'VALIDATION_ERROR'],
  ['{"a":1e400,"b":1}', 422, 'VALIDATION_ERROR'], ['{"a":-1e400,"b":1}', 422, 'VALIDATION_ERROR'], ['{"a":{},"b":1}', 422, 'VALIDATION_ERROR'],
  ['{"a":[1],"b":1}', 422, 'VALIDATION_ERROR'], ['{"a":null,"b":1}', 422, 'VALIDATION_ERROR'], ['{"a":"","b":1}', 422, 'VALIDATION_ERROR'],
  ['{"a":"1e999","b":1}', 422, 'VALIDATION_ERROR'], ['{"a":"0x10","b":1}', 422, 'VALIDATION_ERROR'],
  ['{"a":1,"b":2,"c":3}', 200, null], ['{"a":"2","b":"3"}', 200, null], ['{"a":true,"b":1}', 200, null], ['{"a":-0,"b":0}', 200, null],
  ['{"a":9007199254740991,"b":0}', 200, null],
]

const PROTO_ARGS = [
  '{"text":"x","__proto__":{"polluted":1}}', '{"text":"x","constructor":{"prototype":{"polluted":1}}}', '{"text":"x","prototype":{"polluted":1}}',
  '{"__proto__":{"text":"y"},"text":"x"}', '{"text":"x","nested":{"__proto__":{"polluted":1}}}', '{"text":"x","__proto__":null}',
]

const BAD_UTF8: [string, number[]][] = [
  ['lone 0xff', [0xff]], ['overlong NUL', [0xc0, 0x80]], ['UTF-8 surrogate', [0xed, 0xa0, 0x80]], ['truncated sequence', [0xe2, 0x82]],
  ['invalid continuation', [0xc3, 0x28]], ['5-byte form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
]
const withBytes = (bytes: number[]) => {
  const head = new TextEncoder().encode('{"fn":"echo","args":{"text":"')
  const tail = new TextEncoder().encode('"}}')
  return new Uint8Array([...head, ...bytes, ...tail])
}

const noCrlf = (res: { headers: Headers }) => (/[\r\n]/.test(res.headers.get('x-mizan-invalidate') ?? '') ? 'CR/LF in header' : undefined)

export function httpBatteryCases(): BatteryCase[] {
  const cases: BatteryCase[] = []
  MALFORMED.forEach((body, i) => cases.push(call(`malformed JSON #${i}`, body, 400, 'BAD_REQUEST')))
  NON_OBJECT.forEach((body) => cases.push(call(`non-object body ${body}`, body, 400, 'BAD_REQUEST')))
  MISSING_FN.forEach((body) => cases.push(call(`missing fn ${body}`, body, 400, 'BAD_REQUEST')))
  UNKNOWN_FN.forEach((body) => cases.push(call(`unknown fn ${body}`, body, 404, 'NOT_FOUND')))
  ADD_ARGS.forEach(([args, status, code]) => cases.push(call(`add args ${args}`, `{"fn":"add","args":${args}}`, status, code)))
  PROTO_ARGS.forEach((args) => cases.push(call(`prototype keys ${args}`, `{"fn":"echo","args":${args}}`, 200, null)))
  cases.push(call('empty body', '', 400, 'BAD_REQUEST'), call('whitespace body', '   ', 400, 'BAD_REQUEST'))
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=latin1', 'application/octet-stream']) {
    cases.push(call(`content-type ${type}`, '{"fn":"ping"}', 200, null, { headers: { 'content-type': type } }))
  }
  cases.push(call('no content-type', '{"fn":"ping"}', 200, null, { headers: {} }))
  cases.push(call('multipart content-type over a JSON body', '{"fn":"ping"}', 400, 'BAD_REQUEST', { headers: { 'content-type': 'multipart/form-data; boundary=x' } }))
  cases.push(call('multipart without a boundary', '--x--', 400, 'BAD_REQUEST', { headers: { 'content-type': 'multipart/form-data' } }))
  cases.push(call('body over the limit', JSON.stringify({ fn: 'echo', args: { text: 'x'.repeat(70_000) } }), 413, 'BAD_REQUEST'))
  cases.push(call('array over the limit', JSON.stringify({ fn: 'sum', args: { values: new Array(40_000).fill(1) } }), 413, 'BAD_REQUEST'))
  cases.push(ctx('query over the limit', `?user_id=1&pad=${'x'.repeat(9000)}`, 414, 'BAD_REQUEST'))
  cases.push({ ...call('query over the limit on /call/', '{"fn":"ping"}', 414, 'BAD_REQUEST'), path: `/api/mizan/call/?${'y'.repeat(9000)}` })
  for (const depth of [65, 1000, 10_000]) {
    cases.push(call(`arrays nested ${depth} deep`, `{"fn":"keep","args":{"value":${nest(depth * 3, '[', ']')}}}`, 400, 'BAD_REQUEST'))
    cases.push(call(`objects nested ${depth} deep`, `{"fn":"keep","args":{"value":${nest(depth, '{"a":', '}')}}}`, 400, 'BAD_REQUEST'))
  }
  cases.push(call('nesting at the limit', `{"fn":"keep","args":{"value":${nest(60, '[', ']')}}}`, 200, null))
  cases.push(call('brackets inside strings do not count', `{"fn":"echo","args":{"text":"${'['.repeat(500)}"}}`, 200, null))
  cases.push(call('a large array', JSON.stringify({ fn: 'sum', args: { values: new Array(20_000).fill(2) } }), 200, null))
  cases.push(call('a large array of wrong types', JSON.stringify({ fn: 'sum', args: { values: new Array(10_000).fill('x') } }), 422, 'VALIDATION_ERROR'))
  BAD_UTF8.forEach(([what, bytes]) => cases.push(call(`invalid UTF-8: ${what}`, withBytes(bytes), 400, 'BAD_REQUEST')))
  for (const s of ['\\ud800', '\\udfff', '\\ud800\\ud800', '\\udc00\\ud800']) cases.push(call(`lone surrogate ${s}`, `{"fn":"echo","args":{"text":"${s}"}}`, 200, null))
  cases.push(call('astral characters', '{"fn":"echo","args":{"text":"😀𝄞"}}', 200, null))
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) cases.push({ name: `${method} /call/`, method, path: '/api/mizan/call/', status: 405, code: 'BAD_REQUEST' })
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']) {
    cases.push({ name: `${method} /ctx/`, method, path: '/api/mizan/ctx/user/?user_id=1', status: 405, code: method === 'HEAD' ? null : 'BAD_REQUEST' })
  }
  for (const name of ['nope', '%2e%2e', '..%2F..%2Fetc%2Fpasswd', '%00', 'a%2Fb', '__proto__', 'constructor', 'toString', 'user%20', 'USER']) {
    cases.push(ctx(`unknown context ${name}`, '', 404, 'NOT_FOUND', name))
  }
  cases.push(ctx('malformed percent-encoding in the context name', '', 400, 'BAD_REQUEST', '%E0%A4%A'))
  cases.push({ name: 'path traversal outside the prefix', path: '/api/mizan/../../etc/passwd', status: 404, code: 'NOT_FOUND' })
  for (const [q, status, code] of [
    ['', 422, 'VALIDATION_ERROR'], ['?user_id=abc', 422, 'VALIDATION_ERROR'], ['?user_id=1.5', 422, 'VALIDATION_ERROR'],
    ['?user_id=', 422, 'VALIDATION_ERROR'], ['?user_id=9007199254740993', 422, 'VALIDATION_ERROR'], ['?user_id=1e3', 422, 'VALIDATION_ERROR'], ['?user_id=1_0', 200, null],
    ['?user_id=abc&user_id=1', 200, null], ['?user_id=1&__proto__=x', 200, null], ['?user_id=1&constructor=x', 200, null],
    ['?user_id=1&__proto__[polluted]=1', 200, null], ['?user_id=%F0%9F%98%80', 422, 'VALIDATION_ERROR'], ['?user_id=%ZZ', 422, 'VALIDATION_ERROR'],
  ] as const) {
    cases.push(ctx(`user params ${q || '(none)'}`, q, status, code))
  }
  for (const q of ['a\r\nSet-Cookie: evil=1', 'a\nX-Evil: 1', 'a\rb', '%0D%0A', 'a;b=c, d']) {
    cases.push(call(`header injection via invalidate params ${JSON.stringify(q)}`, JSON.stringify({ fn: 'reindex', args: { q } }), 200, null, { check: noCrlf }))
  }
  const metas = [
    '{"values":{"__proto__":["set"]}}', '{"referentialEqualities":{"text":["__proto__.polluted"]}}', '"string"', '[]', '42',
    '{"values":{"text":["custom","unknown"]}}', '{"values":{"text":"Date"}}', '{"values":{"constructor.prototype.polluted":["Date"]}}',
    '{"referentialEqualities":{"__proto__":["text"]}}', '{"values":{"text":[["class","Evil"]]}}',
  ]
  metas.forEach((meta, i) => cases.push(call(`superjson meta #${i} ${meta}`, `{"fn":"echo","args":{"text":"x"},"meta":${meta}}`, 400, 'BAD_REQUEST')))
  cases.push(call('well-formed superjson meta', '{"fn":"echo","args":{"text":"x"},"meta":{"values":{"when":["Date"]}}}', 200, null))
  cases.push(call('private function', '{"fn":"secret_fn"}', 403, 'FORBIDDEN'))
  cases.push(call('view function called over RPC', '{"fn":"download","args":{}}', 200, null))
  cases.push({ name: 'view route with a wrong method', method: 'DELETE', path: '/api/mizan/download/1/', status: 405, code: 'BAD_REQUEST' })
  cases.push({ name: 'view route with a bad param', path: '/api/mizan/download/abc/', status: 404, code: 'NOT_FOUND' })
  // Security round 2 (issue 24): client garbage that once answered 500.
  cases.push(call('fn object with a non-callable toString', '{"fn":{"toString":1}}', 404, 'NOT_FOUND'))
  cases.push(call('fn object with non-callable toString and valueOf', '{"fn":{"toString":1,"valueOf":1}}', 404, 'NOT_FOUND'))
  cases.push(call('fn array holding such an object', '{"fn":[{"toString":1}]}', 404, 'NOT_FOUND'))
  cases.push(call('args with a non-callable toString', '{"fn":"add","args":{"a":{"toString":1},"b":1}}', 422, 'VALIDATION_ERROR'))
  for (const bad of ['%E0%A4%A', '%', '%ZZ', '%C3', '%ED%A0%80', 'a%2', '%FF']) {
    cases.push({ name: `view route param with a bad percent-escape ${bad}`, path: `/api/mizan/profile/${bad}/`, status: 400, code: 'BAD_REQUEST' })
  }
  cases.push({ name: 'view route param percent-decoded', path: '/api/mizan/profile/%C3%A9t%C3%A9/', status: 200, code: null, check: (res) => (res.text === 'profile été' ? undefined : res.text) })
  cases.push({ name: 'view route with two params in a segment', path: '/api/mizan/pair/x-y-z/', status: 200, code: null, check: (res) => (res.text === 'x-y|z' ? undefined : res.text) })
  cases.push({ name: 'view route param that spans a slash', path: '/api/mizan/profile/a/b/', status: 404, code: 'NOT_FOUND' })
  cases.push({ name: 'view route with a long crafted param', path: `/api/mizan/pair/${'-'.repeat(6000)}/`, status: 200, code: null })
  cases.push({ name: 'view route with no match for a long crafted param', path: `/api/mizan/pair/${'a'.repeat(6000)}/`, status: 404, code: 'NOT_FOUND' })
  cases.push(call('decimal coercion on a long digit run', `{"fn":"add","args":{"a":"${'1'.repeat(60_000)}x","b":1}}`, 422, 'VALIDATION_ERROR'))
  cases.push(ctx('decimal coercion on a long digit run in the query', `?user_id=${'1'.repeat(8000)}x`, 422, 'VALIDATION_ERROR'))
  for (const [header, value] of [['x-mizan-token', 'garbage'], ['x-mizan-token', ''], ['authorization', 'Bearer x'], ['x-mizan-token', 'a.b.c']]) {
    cases.push(call(`bad token ${header}: ${value}`, '{"fn":"ping"}', 401, 'UNAUTHORIZED', { headers: { 'content-type': 'application/json', [header!]: value! } }))
  }
  return cases
}
