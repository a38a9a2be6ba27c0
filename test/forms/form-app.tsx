import { QueryClient } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import type { FetchLike } from '../../src/client/options.ts'
import { forms } from '../../src/client/react/forms.ts'
import type { FetchHandlerOptions } from '../../src/server/adapters/fetch.ts'
import type { TestUser } from '../fixtures/app-router.ts'
import { BASE_URL, createTestServer } from '../client/test-server.ts'
import { ContactSchema, formsRouter, type FormsRouter } from './forms-router.ts'

export const mizan = createMizanReact<FormsRouter>({ use: [forms] })

export type ContactForm = ReturnType<typeof mizan.useContactForm>

/**
 * The test server with a one-cookie jar in front, since jsdom's `document.cookie` never sees
 * what an in-process `fetch` sets: enough for the CSRF double-submit flow.
 */
export function withCookieJar(fetch: FetchLike): FetchLike {
  const jar = new Map<string, string>()
  return async (url, init) => {
    const headers = new Headers(init.headers)
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    const response = await fetch(url, { ...init, headers })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim())
    }
    return response
  }
}

/** `csrf: true` runs the server's default CSRF check and the kernel's session bootstrap. */
/** `intercept` may answer a request instead of the server (to stage a response the server cannot give). */
export function renderForms(
  ui: ReactNode,
  options: { user?: string; csrf?: boolean; intercept?: (body: Record<string, unknown> | undefined) => Response | undefined } = {},
) {
  const serverOptions: FetchHandlerOptions<TestUser> = options.csrf ? {} : { csrf: false }
  const server = createTestServer(serverOptions, formsRouter)
  const staged: FetchLike = async (url, init) => {
    const response = await server.fetch(url, init)
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined
    return options.intercept?.(body) ?? response
  }
  const queryClient = new QueryClient()
  const headers: Record<string, string> = options.user ? { 'X-Test-User': options.user } : {}
  const client = { fetch: withCookieJar(staged), headers, ...(options.csrf ? {} : { csrf: false as const }) }
  const view = render(
    <mizan.MizanContext baseUrl={BASE_URL} queryClient={queryClient} client={client} fallback={<p>loading global</p>}>
      {ui}
    </mizan.MizanContext>,
  )
  return { server, queryClient, ...view }
}

/** Renders a contact form the way an app would: fields from the served field schema, errors beside them. */
export function ContactFormView({ onForm, withSchema = true }: { onForm: (form: ContactForm) => void; withSchema?: boolean }) {
  const form = mizan.useContactForm(withSchema ? { schema: ContactSchema, initialValues: { user_id: 1 } } : { initialValues: { user_id: 1 } })
  onForm(form)
  if (form.schemaStatus !== 'success') return <p>loading form</p>
  return (
    <form onSubmit={form.handleSubmit} aria-label={form.formSchema?.title ?? 'form'}>
      {form.fields
        .filter((f) => f.name !== 'user_id')
        .map((f) => {
          const field = form.field(f.name as keyof typeof form.values & string)
          return (
            <label key={f.name}>
              {f.label}
              {f.choices ? (
                <select aria-label={f.label} value={String(field.value ?? '')} onChange={() => undefined}>
                  {f.choices.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
              ) : null}
              {field.errors.map((e, i) => (
                <span key={i} role="alert" data-field={f.name} data-source={e.source}>
                  {e.message}
                </span>
              ))}
            </label>
          )
        })}
      {form.nonFieldErrors.map((e, i) => (
        <p key={i} role="alert" data-field="__all__" data-source={e.source}>
          {e.message}
        </p>
      ))}
      <button type="submit">{form.formSchema?.submit_label}</button>
      <output>{form.status}</output>
    </form>
  )
}

export function InboxCount() {
  const { count } = mizan.useInboxCount()
  return <p>inbox: {count}</p>
}

export const inboxPath = (id: number) => `/api/mizan/ctx/inbox/?user_id=${id}`
