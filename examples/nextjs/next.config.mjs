import { fileURLToPath } from 'node:url'

// The app imports Mizan from the repository's src/ (as an app would from node_modules/mizan-ts),
// so the bundler's root is the repository.
const root = fileURLToPath(new URL('../../', import.meta.url))

/** @type {import('next').NextConfig} */
export default {
  turbopack: { root },
  outputFileTracingRoot: root,
  // The protocol's paths end in a slash (call/, ctx/<name>/) and Mizan redirects the others to
  // them; Next's own redirect the other way would make a loop.
  skipTrailingSlashRedirect: true,
  // The repository's own `npm run typecheck` checks these files; next build would check them again.
  typescript: { ignoreBuildErrors: true },
  distDir: process.env.MIZAN_NEXT_DIST_DIR || '.next',
}
