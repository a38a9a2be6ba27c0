// The whole client: one typed handle, a list read from the server, and a form that adds to it.
import { useState } from 'react'
import { createRoot } from 'react-dom/client'
import { createMizanReact } from 'mizan-ts/react'
import type { AppRouter } from './server'

const mizan = createMizanReact<AppRouter>()

function Todos() {
  const { items } = mizan.useTodoList()
  const add = mizan.useAddTodo()
  const [text, setText] = useState('')
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        // `affects: 'global'` on the server: the list refetches by itself afterwards.
        add.mutate({ text }, { onSuccess: () => setText('') })
      }}
    >
      <ul>
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
      <input value={text} onChange={(event) => setText(event.target.value)} placeholder="New todo" />
      <button type="submit" disabled={add.isPending}>Add</button>
      {add.error && <p role="alert">{add.error.message}</p>}
    </form>
  )
}

createRoot(document.getElementById('root')!).render(
  <mizan.MizanContext baseUrl="/api/mizan" fallback={<p>Loading…</p>}>
    <Todos />
  </mizan.MizanContext>,
)
