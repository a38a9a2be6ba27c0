import { useState, type FormEvent } from 'react'
import type { ErrorOf } from 'mizan-ts/client'
import type { AppRouter } from '../server/router.ts'
import { ErrorView } from './error-view.tsx'
import { mizan } from './mizan.ts'

/** What either button may fail with: the protocol's codes, and renameUser's declared NAME_TAKEN. */
type EditError = ErrorOf<AppRouter, 'updateProfile' | 'renameUser'>

/**
 * Two ways to change a name. Both hooks apply the server's instructions on success:
 * `updateProfile` answers with a scoped invalidation (refetch that one user's bundle),
 * `renameUser` with a merge (write the returned profile into the cache, no request).
 */
export function EditPanel() {
  const update = mizan.useUpdateProfile()
  const rename = mizan.useRenameUser()
  const [userId, setUserId] = useState(1)
  const [name, setName] = useState('')
  const [status, setStatus] = useState('')
  const [error, setError] = useState<EditError | null>(null)

  // One error area for both buttons, so it is cleared before each call rather than per hook.
  const args = () => {
    setError(null)
    setStatus('')
    return { user_id: userId, name }
  }
  const callbacks = (what: string) => ({
    onSuccess: () => setStatus(`${what} user ${userId} to “${name.trim()}”`),
    onError: (err: EditError) => setError(err),
  })

  function submit(event: FormEvent) {
    event.preventDefault()
    update.mutate(args(), callbacks('Updated (refetch)'))
  }

  return (
    <form className="panel" onSubmit={submit} data-testid="edit-form">
      <h2>Edit a profile</h2>
      <label>
        User
        <select data-testid="edit-user" value={userId} onChange={(e) => setUserId(Number(e.target.value))}>
          <option value={1}>#1</option>
          <option value={2}>#2</option>
        </select>
      </label>
      <label>
        New name
        <input data-testid="edit-name" value={name} placeholder="at least 2 characters" onChange={(e) => setName(e.target.value)} />
      </label>
      <div className="buttons">
        <button type="submit" data-testid="update-button" disabled={update.isPending}>
          updateProfile <small>(affects: user)</small>
        </button>
        <button
          type="button"
          data-testid="rename-button"
          disabled={rename.isPending}
          onClick={() => rename.mutate(args(), callbacks('Renamed (merge)'))}
        >
          renameUser <small>(merge: user)</small>
        </button>
      </div>
      {status && (
        <p className="ok" data-testid="edit-status">
          {status}
        </p>
      )}
      <ErrorView error={error} testId="edit-error" />
      {error?.code === 'NAME_TAKEN' && (
        // `details` is typed from the server's declaration: `{ name: string; taken_by: number }`.
        <p className="muted" data-testid="name-taken">
          “{error.details.name}” already belongs to user #{error.details.taken_by}.
        </p>
      )}
    </form>
  )
}
