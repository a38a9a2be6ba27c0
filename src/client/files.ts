/**
 * `mizan-ts/client/files`: uploads and downloads (PROTOCOL.md §16), opt-in.
 *
 * ```ts
 * import { upload, download } from 'mizan-ts/client/files'
 * await upload(client, 'setAvatar', { file, caption: 'me' }, { onProgress: (sent, total) => … })
 * const pdf: Blob = await download(client, 'report', { year: 2025 })
 * ```
 *
 * An upload is `multipart/form-data` in the shape the Python reference reads (`fn` a field, every
 * other text field an argument, file parts under their field names), so a Python backend takes it
 * too. Progress needs `XMLHttpRequest` (browsers); elsewhere the upload goes through fetch.
 */
import { MizanError } from '../shared/errors.ts'
import { CALL_ROUTE, CSRF_HEADER, type InvalidateEntry, type MergeEntry } from '../shared/protocol.ts'
import type { AnyRouter, CallableKey, InputOf, OutputOf } from '../shared/types.ts'
import { abortedError, errorFromBody, invalidResponse, networkError } from './errors.ts'
import { isRecord } from './params.ts'
import type { CallOutcome, MizanClient, UntypedMizanClient } from './types.ts'

export interface UploadOptions {
  signal?: AbortSignal
  /** Bytes sent so far, of `total` (browsers only: it needs XMLHttpRequest). */
  onProgress?(sent: number, total: number): void
}

/** The form the reference reads: `fn`, then the text fields and the files, in the input's order. */
export function toFormData(wireName: string, input: unknown): FormData {
  const form = new FormData()
  form.append('fn', wireName)
  if (input === undefined || input === null) return form
  if (!isRecord(input)) throw new TypeError('Mizan upload: the input must be an object of text fields and files')
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue
    if (value instanceof Blob) form.append(name, value, value instanceof File ? value.name : 'blob')
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') form.append(name, String(value))
    else throw new TypeError(`Mizan upload: field '${name}' is neither text nor a file; a form post carries only those`)
  }
  return form
}

function outcomeOf(status: number, statusText: string, text: string): CallOutcome<unknown> {
  if (status < 200 || status > 299) throw errorFromBody(status, statusText, text)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw invalidResponse(status, 'Expected JSON from an upload', error)
  }
  if (!isRecord(body) || !('result' in body)) throw invalidResponse(status, 'Call response has no result')
  const list = <T>(v: unknown) => (Array.isArray(v) ? (v as T[]) : [])
  return { result: body['result'], invalidate: list<InvalidateEntry>(body['invalidate']), merge: list<MergeEntry>(body['merge']) }
}

function viaXhr(client: UntypedMizanClient, form: FormData, token: string, options: UploadOptions): Promise<CallOutcome<unknown>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', client.baseUrl + CALL_ROUTE)
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader(CSRF_HEADER, token)
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded, event.total)
    xhr.onload = () => {
      try {
        resolve(outcomeOf(xhr.status, xhr.statusText, xhr.responseText))
      } catch (error) {
        reject(error)
      }
    }
    xhr.onerror = () => reject(networkError('upload failed'))
    xhr.onabort = () => reject(abortedError(options.signal?.reason))
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(form)
  })
}

/** Call a function whose input holds `File`/`Blob` fields, as a form post. */
export function upload<R extends AnyRouter, K extends keyof R['defs'] & string>(
  client: MizanClient<R>,
  key: K & CallableKey<R, K>,
  input: InputOf<R, K>,
  options?: UploadOptions,
): Promise<CallOutcome<OutputOf<R, K>>>
export function upload(client: UntypedMizanClient, key: string, input: unknown, options?: UploadOptions): Promise<CallOutcome<unknown>>
export async function upload(client: object, key: string, input: unknown, options: UploadOptions = {}): Promise<CallOutcome<unknown>> {
  const kernel = client as UntypedMizanClient
  const form = toFormData(kernel.wireName(key), input)
  if (options.onProgress && typeof XMLHttpRequest !== 'undefined') return viaXhr(kernel, form, await kernel.session(), options)
  const res = await kernel.request(CALL_ROUTE, [], form, options.signal)
  return outcomeOf(res.status, res.statusText, await res.text())
}

/** Call a function that answers with a file (a `Blob` or `File` on the server): its bytes, typed as the server sent them. */
export function download<R extends AnyRouter, K extends keyof R['defs'] & string>(
  client: MizanClient<R>,
  key: K & CallableKey<R, K>,
  ...args: [InputOf<R, K>] extends [void] ? [input?: undefined, options?: { signal?: AbortSignal }] : [input: InputOf<R, K>, options?: { signal?: AbortSignal }]
): Promise<Blob>
export function download(client: UntypedMizanClient, key: string, input?: unknown, options?: { signal?: AbortSignal }): Promise<Blob>
export async function download(client: object, key: string, input?: unknown, options: { signal?: AbortSignal } = {}): Promise<Blob> {
  const kernel = client as UntypedMizanClient
  const body = JSON.stringify({ fn: kernel.wireName(key), args: input ?? {} })
  const res = await kernel.request(CALL_ROUTE, [{ 'Content-Type': 'application/json', Accept: '*/*' }], body, options.signal)
  if (!res.ok) throw errorFromBody(res.status, res.statusText, await res.text())
  try {
    return await res.blob()
  } catch (error) {
    throw error instanceof MizanError ? error : networkError(error)
  }
}
