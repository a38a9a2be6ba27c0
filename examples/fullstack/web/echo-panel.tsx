import { useState } from 'react'
import { ErrorView } from './error-view.tsx'
import { mizan } from './mizan.ts'

/** The smallest round trip: a plain function, no context, no invalidation. */
export function EchoPanel() {
  const echo = mizan.useEcho()
  const [text, setText] = useState('hello, Mizan')
  return (
    <section className="panel">
      <h2>Echo</h2>
      <div className="buttons">
        <input data-testid="echo-input" aria-label="Text to echo" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="button" data-testid="echo-button" disabled={echo.isPending} onClick={() => echo.mutate({ text })}>
          echo
        </button>
      </div>
      {echo.data && (
        <p data-testid="echo-result">
          “{echo.data.message}” <span className="muted">at {new Date(echo.data.at).toLocaleTimeString()}</span>
        </p>
      )}
      <ErrorView error={echo.error} testId="echo-error" />
    </section>
  )
}
