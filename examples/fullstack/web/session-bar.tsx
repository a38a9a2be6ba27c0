import { useState, type FormEvent } from 'react'
import { ErrorView } from './error-view.tsx'
import { mizan } from './mizan.ts'

/**
 * Sign in / out. `login` and `logout` declare `affects: 'global'`, so after either one the
 * kernel refetches the global bundle and `useCurrentUser()` updates by itself.
 */
export function SessionBar() {
  const user = mizan.useCurrentUser()
  const login = mizan.useLogin()
  const logout = mizan.useLogout()
  const [username, setUsername] = useState('ada')

  function submit(event: FormEvent) {
    event.preventDefault()
    login.mutate({ username })
  }

  if (user) {
    return (
      <div className="session">
        <span data-testid="current-user">
          Signed in as <strong>{user.name}</strong> ({user.username})
        </span>
        <button type="button" data-testid="logout-button" disabled={logout.isPending} onClick={() => logout.mutate()}>
          Sign out
        </button>
      </div>
    )
  }
  return (
    <form className="session" onSubmit={submit}>
      <span data-testid="current-user">Not signed in</span>
      <input aria-label="Username" data-testid="login-username" value={username} onChange={(e) => setUsername(e.target.value)} />
      <button type="submit" data-testid="login-button" disabled={login.isPending}>
        Sign in
      </button>
      <ErrorView error={login.error} testId="login-error" />
    </form>
  )
}
