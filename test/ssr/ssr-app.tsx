/**
 * The page the SSR tests render on the server and hydrate in the browser: a global member, a
 * named context, a plain function read as a query, and a form's field schema.
 */
import { type QueryClient, useQuery } from '@tanstack/react-query'
import { createMizanReact } from '../../src/client/createMizanReact.ts'
import type { FetchLike } from '../../src/client/options.ts'
import { forms } from '../../src/client/react/forms.ts'
import { ssr } from '../../src/client/react/ssr.ts'
import { ContactSchema, type FormsRouter } from '../forms/forms-router.ts'

export const mizan = createMizanReact<FormsRouter>({ use: [forms, ssr] })

function Inbox() {
  const { count } = mizan.useInboxCount()
  return <p data-testid="inbox">inbox: {count}</p>
}

function Senders() {
  const senders = useQuery({ ...mizan.queryOptions.call('recentSenders', { user_id: 1 }), staleTime: Infinity })
  return <p data-testid="senders">{senders.data ? `from: ${senders.data.join(', ') || 'nobody'}` : 'loading senders'}</p>
}

export let contactForm: ReturnType<typeof mizan.useContactForm> | undefined

function ContactFields() {
  const form = mizan.useContactForm({ schema: ContactSchema, initialValues: { user_id: 1 } })
  contactForm = form
  return (
    <ul data-testid="fields">
      {form.fields.map((f) => (
        <li key={f.name}>{f.label}</li>
      ))}
    </ul>
  )
}

export function Page() {
  const me = mizan.useCurrentUser()
  return (
    <main>
      <p data-testid="me">{me ? `Signed in as ${me.username}` : 'anonymous'}</p>
      <mizan.InboxContext params={{ user_id: 1 }} fallback={<p>loading inbox</p>}>
        <Inbox />
      </mizan.InboxContext>
      <Senders />
      <ContactFields />
    </main>
  )
}

export function App({ queryClient, fetch, dialect }: { queryClient: QueryClient; fetch?: FetchLike; dialect?: 'izana' }) {
  return (
    <mizan.MizanContext
      baseUrl="http://mizan.test/api/mizan"
      queryClient={queryClient}
      client={{ fetch, csrf: false, ...(dialect ? { dialect } : {}) }}
      fallback={<p>loading global</p>}
    >
      <Page />
    </mizan.MizanContext>
  )
}
