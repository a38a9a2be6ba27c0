// The app every runtime serves: plain JavaScript importing the installed package by name, with a
// hand-written Standard Schema (no validation library), a per-user context, a mutation that
// invalidates it, a function that fails, and a context cache so cache keys (HMAC) are derived.
import { createMizan, MemoryCache, MizanError } from 'mizan-ts/server'

/**
 * `{ a: 'int', title: 'string' }` as a Standard Schema, with the Standard JSON Schema view a
 * context needs to know its params: any library's schema is accepted the same way.
 */
function object(fields) {
  const json = () => ({
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([key, type]) => [key, { type: type === 'int' ? 'integer' : type }])),
    required: Object.keys(fields),
  })
  return {
    '~standard': {
      version: 1,
      vendor: 'runtime-app',
      jsonSchema: { input: json, output: json },
      validate(value) {
        if (typeof value !== 'object' || value === null) return { issues: [{ message: 'Expected an object' }] }
        const issues = []
        for (const [key, type] of Object.entries(fields)) {
          const ok = type === 'int' ? Number.isInteger(value[key]) : typeof value[key] === type && value[key] !== ''
          if (!ok) issues.push({ message: `Expected ${type}`, path: [key] })
        }
        return issues.length ? { issues } : { value }
      },
    },
  }
}

const notes = new Map([[1, 'first']])
const { defineClient, createRouter } = createMizan()

export const router = createRouter({
  add: defineClient({ input: object({ a: 'int', b: 'int' }) }, ({ a, b }) => ({ sum: a + b })),
  noteTitle: defineClient({ context: 'notes', input: object({ note_id: 'int' }) }, ({ note_id }) => {
    if (!notes.has(note_id)) throw new MizanError('NOT_FOUND', `No note ${note_id}`)
    return { title: notes.get(note_id) }
  }),
  renameNote: defineClient({ affects: 'notes', input: object({ note_id: 'int', title: 'string' }) }, ({ note_id, title }) => {
    notes.set(note_id, title)
    return { ok: true }
  }),
  explode: defineClient({}, () => {
    throw new Error('database password is hunter2')
  }),
  runtime: defineClient({}, () => ({ name: globalThis.Bun ? 'bun' : globalThis.Deno ? 'deno' : globalThis.navigator?.userAgent === 'Cloudflare-Workers' ? 'workerd' : 'node' })),
})

export const options = { cache: { backend: new MemoryCache(), secret: 'runtime-matrix-secret' }, onError: () => {} }
