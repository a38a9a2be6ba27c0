/** `userProfile` → `user_profile`; already-snake names pass through unchanged. */
export function toWireName(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    // `HTTPServer` → `HTTP_Server`: a capital that starts a capitalized word after capitals.
    // (`([A-Z]+)([A-Z][a-z])` said the same but backtracks quadratically on a long run of capitals.)
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1_')
    .toLowerCase()
}

/** `user_profile` or `userProfile` → `UserProfile`, for hook names: every part after a run of `_`, `-` or spaces is capitalized. */
export function toPascalCase(name: string): string {
  return name.replace(/(?:[_\-\s]+|^)(.?)/g, (_, first: string) => first.toUpperCase())
}

/** `UserProfile` → `userProfile`. */
export function toCamelCase(name: string): string {
  const pascal = toPascalCase(name)
  return pascal.charAt(0).toLowerCase() + pascal.slice(1)
}
