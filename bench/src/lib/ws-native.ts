/**
 * Whether each `ws` in play (the library's, which Mizan's server loads, and the bench's, which
 * tRPC, the bare servers and the generator load) finds `bufferutil`, ws's optional native
 * addon for masking and unmasking frames. Without it ws does that byte by byte in JavaScript,
 * which for ~1 kB batch frames was 8-10k instructions an RPC (bench/README.md), so the setup
 * is stated beside the WS results rather than assumed.
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const WS_COPIES = {
  "the library's ws": new URL('../../../node_modules/ws/package.json', import.meta.url),
  "the bench's ws": new URL('../../node_modules/ws/package.json', import.meta.url),
}

function loadsBufferutil(wsPackage: URL): boolean {
  try {
    const mod = createRequire(fileURLToPath(wsPackage))('bufferutil') as { unmask?: unknown }
    return typeof mod.unmask === 'function'
  } catch {
    return false
  }
}

export function wsMaskingNote(): string {
  const missing = Object.entries(WS_COPIES)
    .filter(([, pkg]) => !loadsBufferutil(pkg))
    .map(([name]) => name)
  if (missing.length === 0) return "Every ws here (the servers' and the generator's) loads bufferutil, ws's optional native addon for masking, as ws recommends for production."
  return `bufferutil did not load for ${missing.join(' and ')}: those mask frames in JavaScript, and their servers pay 8-10k more instructions an RPC; run npm install and npm install --prefix bench.`
}
