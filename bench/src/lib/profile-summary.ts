/**
 * `node --import tsx src/lib/profile-summary.ts <file.cpuprofile> [top]`: self time by function
 * and inclusive time of the heaviest frames, from a V8 CPU profile (node --cpu-prof).
 */
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg] = process.argv.slice(2)
const top = Number(topArg ?? 30)
const p = JSON.parse(readFileSync(file!, 'utf8')) as Profile
const byId = new Map(p.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const selfTime = new Map<number, number>()
p.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
const total = [...selfTime.values()].reduce((a, b) => a + b, 0)
const label = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')
  return `${n.callFrame.functionName || '(anon)'} ${url ? `${url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}` : ''}`
}
const self = new Map<string, number>()
const incl = new Map<string, number>()
for (const [id, t] of selfTime) {
  const n = byId.get(id)!
  self.set(label(n), (self.get(label(n)) ?? 0) + t)
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!)
    if (seen.has(l)) continue
    seen.add(l)
    incl.set(l, (incl.get(l) ?? 0) + t)
  }
}
const show = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([l, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${l}`)
    .join('\n')
console.log(`total ${(total / 1e6).toFixed(2)} s sampled\n\n== self ==\n${show(self)}\n\n== inclusive ==\n${show(incl)}`)
