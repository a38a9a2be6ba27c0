/**
 * The exports map's one rule, shared by the build, `npm pack` and the tests: every entry names
 * its source under the `mizan-source` condition (what this repository runs, tests and type-checks
 * from), and users get the built file beside it in dist/. Written in plain JavaScript so the
 * build needs nothing but Node and tsc.
 */
export const SOURCE_CONDITION = 'mizan-source'

/** `./src/server/index.ts` → `./dist/server/index` (no extension). */
function distStem(source) {
  return source.replace(/^\.\/src\//, './dist/').replace(/\.tsx?$/, '')
}

/** The target an entry must have for a given source file, in the order the conditions are matched. */
export function targetFor(source) {
  const stem = distStem(source)
  return { [SOURCE_CONDITION]: source, types: `${stem}.d.ts`, default: `${stem}.js` }
}

/** The source file of an entry, however it is written (a bare string counts as source when under src/). */
export function sourceOf(target) {
  if (typeof target === 'string') return target.startsWith('./src/') ? target : undefined
  const source = target?.[SOURCE_CONDITION] ?? target?.default
  return typeof source === 'string' && source.startsWith('./src/') ? source : undefined
}

/** Entries of the exports map that do not follow the rule, each with what it should read. */
export function exportProblems(manifest) {
  const problems = []
  for (const [name, target] of Object.entries(manifest.exports ?? {})) {
    const source = sourceOf(target)
    if (!source) {
      problems.push({ name, message: `has no source under ./src/ in its "${SOURCE_CONDITION}" condition` })
      continue
    }
    const want = targetFor(source)
    if (JSON.stringify(target) !== JSON.stringify(want)) problems.push({ name, message: `should read ${JSON.stringify(want)}` })
  }
  return problems
}

/** `./src/client/cookies.ts` → `./dist/client/cookies.js`. */
export function builtPath(source) {
  return `${distStem(source)}.js`
}

/**
 * The manifest as published: the source condition (pointing at files not shipped) taken out,
 * and the package's internal `imports` (`#client-cookies`), which point at src/ in the
 * repository so that src/ runs under any tool without a custom condition, pointed at dist/.
 */
export function publishedManifest(manifest) {
  const strip = (value) => {
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== SOURCE_CONDITION).map(([key, inner]) => [key, strip(inner)]))
  }
  const built = (value) => {
    if (typeof value === 'string') return value.startsWith('./src/') ? builtPath(value) : value
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, built(inner)]))
  }
  return { ...manifest, exports: strip(manifest.exports), imports: built(manifest.imports) }
}
