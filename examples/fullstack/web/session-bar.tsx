import { useState, type FormEvent } from 'react'
import { ErrorView } from './error-view.tsx'
import { mizan } from './mizan.ts'

/**
 * Sign in / out, through Better Auth on the server. `login` and `logout` declare
 * `affects: 'global'`, so after either one the kernel refetches the global bundle and
 * `useCurrentUser()` updates by itself. The password is pre-filled: the demo accounts share it.
 */
export function SessionBar() {
  const user = mizan.useCurrentUser()
  const login = mizan.useLogin()
  const logout = mizan.useLogout()
  const [username, setUsername] = useState('ada')
  // The demo accounts share this password (examples/fullstack/server/auth.ts).
  const [password, setPassword] = useState('analytical-engine')

  function submit(event: FormEvent) {
    event.preventDefault()
    login.mutate({ username, password })
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
      <input
        aria-label="Password"
        type="password"
        data-testid="login-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" data-testid="login-button" disabled={login.isPending}>
        Sign in
      </button>
      <ErrorView error={login.error} testId="login-error" />
    </form>
  )
}
