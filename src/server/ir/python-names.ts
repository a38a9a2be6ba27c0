/**
 * The reference derives IR names from wire names with Python's `str.title()`, which differs
 * from our `toCamelCase` (it lowercases inside words and restarts after digits), so the IR
 * keeps its own spelling rules here.
 */

const isCased = (ch: string) => ch.toLowerCase() !== ch.toUpperCase()

/** Python `str.title()`: a letter is upper-cased after an uncased character, lower-cased otherwise. */
export function pythonTitle(word: string): string {
  let out = ''
  let previousCased = false
  for (const ch of word) {
    const cased = isCased(ch)
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch
    previousCased = cased
  }
  return out
}

/** `user_profile` → `userProfile`, `contact.schema` → `contactSchema`: the IR's `camel` and type-name stem. */
export function irCamel(wireName: string): string {
  const [head = '', ...rest] = wireName.replace(/[.-]/g, '_').split('_')
  return head + rest.filter(Boolean).map(pythonTitle).join('')
}

/** `live_chat` → `LiveChat`: a channel's `pascal-name`. */
export function irPascal(wireName: string): string {
  return wireName.split(/[._-]/).map(pythonTitle).join('')
}
