/**
 * Lists keyed by names that come from schemas and from the wire. `map[key] ??= []` reads
 * inherited members, so a field called `toString`, `constructor` or `__proto__` found a function
 * or the prototype instead of its list. These read and create own properties only.
 */
export function appendOwn<T>(map: Record<string, T[]>, key: string, item: NoInfer<T>): void {
  if (Object.hasOwn(map, key)) {
    map[key]!.push(item)
    return
  }
  // A define, not an assignment: assigning `__proto__` would set the prototype.
  Object.defineProperty(map, key, { value: [item], enumerable: true, writable: true, configurable: true })
}

/** `map[key]` when the map has it as its own; never an inherited member such as `constructor`. */
export function ownValue<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined
}
