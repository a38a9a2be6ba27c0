/**
 * Cuts an IR document into its top-level blocks by text alone, independently of the reader
 * under test, so a comparison can leave out known differences and still be byte for byte.
 */
import { readFileSync } from 'node:fs'

export const GOLDEN_IR_PATH = new URL('../interop/golden-ir/fixture.kdl', import.meta.url)
export const goldenIr = () => readFileSync(GOLDEN_IR_PATH, 'utf8')

interface Block {
  key: string
  text: string
}

/** Sections (blank-line separated) of blocks; a block runs from `kind "name" {` to the next `}` at column 0. */
function sections(kdl: string): Block[][] {
  return kdl.split('\n\n').map((section) => {
    const blocks: Block[] = []
    let current: string[] = []
    for (const line of section.split('\n')) {
      if (line === '' && current.length === 0) continue
      current.push(line)
      if (line === '}') {
        const head = /^(type|function|context|channel) ("(?:[^"\\]|\\.)*") \{$/.exec(current[0]!)
        if (!head) throw new Error(`not a block: ${current[0]}`)
        blocks.push({ key: `${head[1]} ${JSON.parse(head[2]!)}`, text: `${current.join('\n')}\n` })
        current = []
      }
    }
    if (current.length) throw new Error(`unterminated block: ${current[0]}`)
    return blocks
  })
}

/** Block text by key, e.g. `type Item` or `function add`. */
export function blocksOf(kdl: string): Map<string, string> {
  return new Map(sections(kdl).flat().map((b) => [b.key, b.text]))
}

/** The document without the given blocks, re-joined the way the exporter joins sections. */
export function dropBlocks(kdl: string, keys: Iterable<string>): string {
  const drop = new Set(keys)
  return sections(kdl)
    .map((blocks) => blocks.filter((b) => !drop.has(b.key)))
    .filter((blocks) => blocks.length > 0)
    .map((blocks) => blocks.map((b) => b.text).join(''))
    .join('\n')
}
