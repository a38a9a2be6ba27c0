/** The page of cache-board.test.ts: one board, read through the Mizan client; add a task, refresh. */
import { createMizanClient } from '../../../src/client/index.ts'
import type { BoardRouter } from '../../server/cache/board-app.ts'

const api = createMizanClient<BoardRouter>({ baseUrl: '/api/mizan' })
const list = document.querySelector<HTMLUListElement>('#tasks')!
const statusEl = document.querySelector<HTMLElement>('#status')!

async function render(): Promise<void> {
  const bundle = await api.context('board', { board_id: 1 })
  const tasks = (bundle['board_tasks'] ?? (bundle as Record<string, unknown>)['boardTasks']) as string[]
  list.replaceChildren(...tasks.map((title) => Object.assign(document.createElement('li'), { textContent: title })))
  statusEl.textContent = `loaded ${tasks.length}`
}

document.querySelector('#refresh')!.addEventListener('click', () => void render())
document.querySelector('#add')!.addEventListener('click', async () => {
  const input = document.querySelector<HTMLInputElement>('#title')!
  await api.call('addTask', { board_id: 1, title: input.value })
  await render()
})
render().catch((error: unknown) => (statusEl.textContent = `failed: ${String(error)}`))
