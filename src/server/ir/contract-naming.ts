/**
 * Names in a generated contract: IR names are Python-side spellings, so they are turned into
 * safe, unique TypeScript identifiers, and router keys follow the router's own naming rule.
 */
import { toCamelCase, toWireName } from '../../shared/naming.ts'

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval undefined NaN Infinity'
  ).split(' '),
)

export const isIdentifier = (name: string) => /^[A-Za-z_$][\w$]*$/.test(name) && !RESERVED.has(name)

/** Hands out identifiers, never the same one twice and never one of `taken`. */
export class Identifiers {
  private readonly used: Set<string>

  constructor(taken: readonly string[]) {
    this.used = new Set(taken)
  }

  claim(wanted: string): string {
    let base = wanted.replace(/[^\w$]/g, '_')
    if (!/^[A-Za-z_$]/.test(base) || RESERVED.has(base)) base = `_${base}`
    let name = base
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`
    this.used.add(name)
    return name
  }
}

/**
 * The router key for a wire name, and whether `name` must be kept: only when the router's
 * camelCase ↔ snake_case round trip would not give the wire name back.
 */
export function routerKey(wireName: string, irCamel: string): { key: string; keepName: boolean } {
  const key = toCamelCase(wireName)
  const roundTrips = toWireName(key) === wireName && toCamelCase(toWireName(key)) === key && isIdentifier(key)
  if (roundTrips) return { key, keepName: false }
  return { key: isIdentifier(irCamel) ? irCamel : key, keepName: true }
}

/** A property key as written in an object literal. */
export const propertyKey = (key: string) => (isIdentifier(key) ? key : JSON.stringify(key))
