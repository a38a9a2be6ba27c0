/**
 * A small page on the live Django backend (proxied under /api/izana): the global context,
 * two `user` bundles, a scoped mutation, a merge, and failing calls shown as typed errors.
 */
import { MizanError } from '../../../src/client/index.ts'
import { mizan } from './mizan.ts'

export function App() {
  return (
    <mizan.MizanContext
      baseUrl="/api/izana"
      fallback={<p data-testid="loading">Loading…</p>}
      errorFallback={(error) => <p data-testid="global-error">{error.code}</p>}
    >
      <GlobalPanel />
      <mizan.UserContext params={{ user_id: 1 }} fallback={<p>Loading user 1…</p>}>
        <UserCard />
      </mizan.UserContext>
      <mizan.UserContext params={{ user_id: 2 }} fallback={<p>Loading user 2…</p>}>
        <UserCard />
      </mizan.UserContext>
      <ErrorPanel />
    </mizan.MizanContext>
  )
}

function GlobalPanel() {
  const me = mizan.useCurrentUser()
  const site = mizan.useSiteConfig()
  return (
    <header data-testid="global">
      {site.site_name} v{site.version} · {me.authenticated ? `user ${me.username}` : 'anonymous'}
    </header>
  )
}

function UserCard() {
  const profile = mizan.useUserProfile()
  const posts = mizan.useUserPosts()
  const update = mizan.useUpdateProfile()
  const rename = mizan.useRenameUser()
  const id = profile.user_id
  return (
    <section data-testid={`user-${id}`}>
      <h2 data-testid={`name-${id}`}>{profile.name}</h2>
      <p data-testid={`posts-${id}`}>{posts.map((p) => p.title).join(', ')}</p>
      <button data-testid={`update-${id}`} disabled={update.isPending} onClick={() => update.mutate({ user_id: id, name: `${profile.name} (updated)` })}>
        update (invalidates user;user_id={id})
      </button>
      <button data-testid={`rename-${id}`} disabled={rename.isPending} onClick={() => rename.mutate({ user_id: id, name: `${profile.name} (merged)` })}>
        rename (merge)
      </button>
    </section>
  )
}

function ErrorPanel() {
  const validation = mizan.useCoreValidationFn()
  const whoami = mizan.useWhoami()
  return (
    <section>
      <button data-testid="fail-validation" onClick={() => validation.mutate()}>
        core_validation_fn
      </button>
      <button data-testid="fail-auth" onClick={() => whoami.mutate()}>
        whoami (anonymous)
      </button>
      <ErrorView testId="validation-error" error={validation.error} />
      <ErrorView testId="auth-error" error={whoami.error} />
    </section>
  )
}

/** The error as the UI receives it: a MizanError with a typed code, status and field errors. */
function ErrorView({ error, testId }: { error: MizanError | null; testId: string }) {
  if (!error) return null
  return (
    <div
      role="alert"
      data-testid={testId}
      data-class={error instanceof MizanError ? 'MizanError' : 'other'}
      data-code={error.code}
      data-status={error.status}
      data-fields={JSON.stringify(error.fieldErrors)}
    >
      {error.code}: {error.message}
    </div>
  )
}
