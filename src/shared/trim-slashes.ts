/**
 * `path.replace(/\/+$/, '')` without the regex: that pattern is tried at every position of a
 * run of slashes, so a long run followed by anything else costs quadratic time (recheck flags it).
 */
export function trimTrailingSlashes(path: string): string {
  let end = path.length
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--
  return end === path.length ? path : path.slice(0, end)
}
