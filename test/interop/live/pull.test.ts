/**
 * `mizan pull` end to end, as a team with a Django backend uses it: the CLI reads the live
 * fixture project through its manage.py, writes the typed contract and a ready client, a Vite
 * React app is built on that client, and Chromium shows Django's data; a scoped mutation
 * refetches exactly its context.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import react from '@vitejs/plugin-react'
import type { Browser, Page } from 'playwright-core'
import { build, preview, type PreviewServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, MizanTraffic, repoRoot } from '../../e2e/fullstack-harness.ts'
import { PYTHON_DIR } from '../python-venv.ts'
import { izanaProxy } from '../web/vite.config.ts'
import { pullConfig, runCli } from './pull-harness.ts'
import { startPythonBackend, type PythonBackend } from './python-backend.ts'

/** Inside the repository (git-ignored), so the app's imports resolve against its node_modules. */
mkdirSync(join(repoRoot, '.tmp'), { recursive: true })
const appDir = mkdtempSync(join(repoRoot, '.tmp', 'pull-app-'))

const APP = `import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { mizan } from './api/client'

function Site() {
  const site = mizan.useSiteConfig()
  return <p data-testid="site">{site.site_name} v{site.version}</p>
}
function User() {
  const profile = mizan.useUserProfile()
  const update = mizan.useUpdateProfile()
  return (
    <div>
      <p data-testid="name">{profile.name}</p>
      <button data-testid="update" onClick={() => update.mutate({ user_id: profile.user_id, name: profile.name + '!' })}>update</button>
    </div>
  )
}
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <mizan.MizanContext baseUrl="/api/izana" fallback={<p>Loading…</p>}>
      <Site />
      <mizan.UserContext params={{ user_id: 1 }} fallback={<p>Loading user…</p>}>
        <User />
      </mizan.UserContext>
    </mizan.MizanContext>
  </StrictMode>,
)
`

let backend: PythonBackend | undefined
let server: PreviewServer | undefined
let browser: Browser | undefined
let page: Page
let pulled: { code: number; stderr: string }

beforeAll(async () => {
  writeFileSync(join(appDir, 'mizan.config.mjs'), pullConfig(join(PYTHON_DIR, 'manage.py'), 'src/api'))
  const [cli, started, launched] = await Promise.allSettled([runCli(['pull'], appDir), startPythonBackend(), launchChromium()])
  if (started.status === 'fulfilled') backend = started.value
  if (launched.status === 'fulfilled') browser = launched.value
  for (const result of [cli, started, launched]) if (result.status === 'rejected') throw result.reason
  pulled = (cli as PromiseFulfilledResult<{ code: number; stderr: string }>).value
  if (pulled.code !== 0) throw new Error(`mizan pull failed: ${pulled.stderr}`)
  writeFileSync(join(appDir, 'src/main.tsx'), APP)
  writeFileSync(join(appDir, 'index.html'), '<!doctype html><html><body><div id="root"></div><script type="module" src="./src/main.tsx"></script></body></html>')
  const config = { root: appDir, configFile: false as const, logLevel: 'warn' as const, plugins: [react()] }
  await build({ ...config, mode: 'production', build: { outDir: join(appDir, 'dist'), emptyOutDir: true, chunkSizeWarningLimit: 2_000 } })
  server = await preview({ ...config, build: { outDir: join(appDir, 'dist') }, preview: { host: '127.0.0.1', port: 0, proxy: izanaProxy(backend!.origin) } })
  page = await browser!.newPage()
}, 90_000)

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.close(), backend?.stop()])
  rmSync(appDir, { recursive: true, force: true })
})

describe('mizan pull → a Vite React app → the live Django backend', () => {
  it('writes a contract that carries what the IR leaves out (auth, rev) and a ready client', () => {
    expect(pulled.stderr).toMatch(/pulled \d+ functions: wrote .*contract\.ts, .*client\.ts/)
    const contract = readFileSync(join(appDir, 'src/api/contract.ts'), 'utf8')
    expect(contract).toContain("siteConfig: declareClient({ context: 'global', output: siteConfigOutput, rev: 2 })")
    expect(contract).toMatch(/whoami: declareClient\(\{ output: whoamiOutput, auth: true \}\)/)
    expect(contract).toMatch(/staffOnly: declareClient\(\{ output: staffOnlyOutput, auth: 'staff' \}\)/)
    const client = readFileSync(join(appDir, 'src/api/client.ts'), 'utf8')
    expect(client).toContain("createMizanReact<AppRouter>({ dialect: 'izana' })")
  })

  it("shows Django's data, and a scoped mutation refetches exactly its context", async () => {
    const traffic = new MizanTraffic(page, '/api/izana/')
    const text = (id: string) => page.getByTestId(id).textContent()
    await page.goto(server!.resolvedUrls!.local[0]!)
    await expect.poll(() => text('site'), { timeout: 10_000 }).toBe('Interop Fixture v2')
    await expect.poll(() => text('name'), { timeout: 5_000 }).toBe('Alice')
    await traffic.settle()
    traffic.reset()
    await page.getByTestId('update').click()
    await expect.poll(() => text('name'), { timeout: 5_000 }).toBe('Alice!')
    await traffic.settle()
    expect(traffic.contextReads()).toEqual(['/api/izana/ctx/user/?user_id=1'])
  })
})
