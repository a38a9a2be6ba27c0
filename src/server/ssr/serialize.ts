/**
 * Inline JSON for `<script>` tags, as the reference's `izana.ssr` writes it: keys sorted (at
 * every level, `sort_keys=True`), non-ASCII as `\uXXXX` (`ensure_ascii`), and `<`, `>`, `&`
 * as `\u003c`, `\u003e`, `\u0026`, so no value can close the script or open a comment.
 */

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** A copy with every object's keys in code-point order; JSON-only values, as `JSON.stringify` sees them. */
export function sortKeysDeep(value: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(value ?? null)) as unknown
  const sort = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(sort)
    if (typeof node !== 'object' || node === null) return node
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(node).sort(byCodePoint)) out[key] = sort((node as Record<string, unknown>)[key])
    return out
  }
  return sort(plain)
}

const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' }

/** JSON that is safe inside an inline `<script>`: `<>&` and everything outside ASCII escaped. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/[<>&]/g, (ch) => ESCAPES[ch]!)
    .replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'))
}

/** `window.<name>=<json>;` for each entry, in the given order. */
export function assignGlobals(entries: readonly (readonly [name: string, json: string])[]): string {
  return entries.map(([name, json]) => `window.${name}=${json};`).join('')
}

/** A `<script>` tag around inline code (the code must already be script-safe). */
export function scriptTag(code: string, nonce?: string): string {
  const attr = nonce ? ` nonce="${nonce.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`)}"` : ''
  return `<script${attr}>${code}</script>`
}
