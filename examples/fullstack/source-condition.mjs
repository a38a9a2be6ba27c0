/**
 * A module-resolution hook start.mjs registers: `mizan-ts/...` resolves through the package's
 * `mizan-source` export condition, so inside this repository the example runs the library from
 * src/ (no build step). In an app that installed mizan-ts the condition names nothing (the
 * published manifest has none) and imports resolve to the package's dist/ as usual.
 */
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier, { ...context, conditions: ['mizan-source', ...context.conditions] })
}
