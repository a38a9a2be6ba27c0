import { useState } from 'react'
import { upload } from 'mizan-ts/client/files'
import { mizan, useStream } from './mizan.ts'

/** A live counter over server-sent events, and a file upload with a progress bar. */
export function StreamPanel() {
  // Off until asked for: an open event stream is a request that never ends.
  const [live, setLive] = useState(false)
  const { data, status } = useStream('liveCounter', { everyMs: 200 }, { enabled: live })
  const { client } = mizan.useMizan()
  const [progress, setProgress] = useState(0)
  const [steps, setSteps] = useState(0)
  const [uploaded, setUploaded] = useState<string>()
  const [error, setError] = useState<string>()

  async function send(file: File) {
    setProgress(0)
    setSteps(0)
    setUploaded(undefined)
    setError(undefined)
    try {
      const { result } = (await upload(client, 'uploadFile', { file, note: 'from the page' }, {
        onProgress: (sent, total) => {
          setProgress(total ? sent / total : 0)
          setSteps((n) => n + 1)
        },
      })) as {
        result: { name: string; size: number }
      }
      setUploaded(`${result.name}: ${result.size} bytes`)
    } catch (e) {
      setError(String((e as Error).message))
    }
  }

  return (
    <section className="panel">
      <h2>Live counter (SSE) and upload</h2>
      <p>
        <button type="button" data-testid="live-toggle" onClick={() => setLive(!live)}>
          {live ? 'stop' : 'start'} live counter
        </button>{' '}
        <span data-testid="live-counter">{data?.n ?? '…'}</span> <span className="muted" data-testid="live-status">{live ? status : 'stopped'}</span>
      </p>
      <input type="file" data-testid="upload-input" aria-label="File to upload" onChange={(e) => e.target.files?.[0] && void send(e.target.files[0])} />
      <progress data-testid="upload-progress" data-steps={steps} max={1} value={progress} />
      {uploaded && <p data-testid="upload-result">{uploaded}</p>}
      {error && <p className="error" data-testid="upload-error">{error}</p>}
    </section>
  )
}
