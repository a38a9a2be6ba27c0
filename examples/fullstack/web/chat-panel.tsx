import { useState, type FormEvent } from 'react'
import { mizan } from './mizan.ts'

const ROOM = 'team'

/**
 * `mizan.useChatChannel({ room })` subscribes over the page's one WebSocket while this panel is
 * mounted. Messages, `send` and `error` are typed from the router's `chat` channel: the browser
 * sends `{ text }`, and everyone in the room receives `{ text, from, at }` as the server wrote it.
 */
export function ChatPanel() {
  const me = mizan.useCurrentUser()
  const { messages, send, status, error } = mizan.useChatChannel({ room: ROOM })
  const connection = mizan.useConnectionStatus()
  const [text, setText] = useState('')

  function submit(event: FormEvent) {
    event.preventDefault()
    if (!text.trim()) return
    send({ text })
    setText('')
  }

  return (
    <section className="panel chat" data-testid="chat-panel">
      <h2>
        Chat <span className="muted">#{ROOM}</span>
        <span className={`badge badge-${status}`} data-testid="chat-status" title={`socket: ${connection}`}>
          {status}
        </span>
      </h2>
      <ol className="chat-log" data-testid="chat-messages" aria-live="polite">
        {messages.length === 0 && <li className="muted">No messages since you opened the page.</li>}
        {messages.map((m, i) => (
          <li key={`${m.at}-${i}`} data-testid="chat-message">
            <strong>{m.from}</strong> {m.text} <time className="muted">{new Date(m.at).toLocaleTimeString()}</time>
          </li>
        ))}
      </ol>
      <form className="buttons" onSubmit={submit}>
        <input
          data-testid="chat-input"
          aria-label="Message"
          value={text}
          maxLength={280}
          placeholder={me ? `Message #${ROOM}` : 'Sign in to chat'}
          disabled={!me}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" data-testid="chat-send" disabled={!me || status !== 'open'}>
          Send
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="chat-error">
          {error}
        </p>
      )}
      <p className="muted small" data-testid="connection-status">
        WebSocket: {connection}
      </p>
    </section>
  )
}
