import { ErrorView } from './error-view.tsx'
import { mizan } from './mizan.ts'

/** `myNotes` is `auth: true`: signed out, the call fails with UNAUTHORIZED, shown as such. */
export function NotesPanel() {
  const notes = mizan.useMyNotes()
  return (
    <section className="panel">
      <h2>My notes</h2>
      <button type="button" data-testid="notes-button" disabled={notes.isPending} onClick={() => notes.mutate()}>
        Load my notes <small>(auth: true)</small>
      </button>
      {notes.data && (
        <ul data-testid="notes-list">
          {notes.data.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      <ErrorView error={notes.error} testId="notes-error" />
    </section>
  )
}
