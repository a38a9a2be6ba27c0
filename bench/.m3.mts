import { build } from 'esbuild'
import { bundle } from '/work/wt/i28b/bench/src/gen/bundle.ts'
const dir = '/work/wt/i28b'
const k = await bundle(build as never, { contents: `export * from './src/client/index.ts'`, resolveDir: dir })
const c = await bundle(build as never, { contents: `export { createMizanClient } from './src/client/index.ts'`, resolveDir: dir })
const w = await bundle(build as never, { contents: `export { createMizanClient } from './src/client/index.ts'\nexport * from './src/client/ws-transport.ts'`, resolveDir: dir })
const app = await bundle(build as never, `${dir}/bench/src/apps/mizan-app.tsx`)
console.log('kernel', k.gzip, 'createMizanClient', c.gzip, '+ws', w.gzip, 'app', app.gzip)
const x = await bundle(build as never, { contents: `export { createMizanClient } from './src/client/index.ts'\nexport * from './src/client/exact-json.ts'`, resolveDir: dir })
console.log('exact-json row', x.gzip)
