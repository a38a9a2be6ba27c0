import { toCamelCase, toWireName } from '../shared/naming.ts'

export interface Naming {
  wireName(key: string): string
  keyOf(wire: string): string
}

/** The server's naming rule, with the router's explicit `name` overrides taking precedence both ways. */
export function createNaming(overrides: Record<string, string> = {}): Naming {
  const byWire = new Map(Object.entries(overrides).map(([key, wire]) => [wire, key]))
  return {
    wireName: (key) => overrides[key] ?? toWireName(key),
    keyOf: (wire) => byWire.get(wire) ?? toCamelCase(wire),
  }
}
