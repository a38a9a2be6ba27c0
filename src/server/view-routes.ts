/**
 * Django-style view routes (`/profile/<id>/`, `/profile/<int:id>/`) matched without a regex: a
 * route compiled to `^…([^/]+)-([^/]+)…$` backtracks polynomially on a crafted path, and the path
 * is the client's. Matching is segment by segment, and within a segment a parameter takes the
 * longest stretch after which the next literal follows (no backtracking), so the cost is linear.
 */
import { MizanError } from '../shared/errors.ts'
import type { AnyServerRouter, RegisteredFunction } from './router.ts'

type Part = { literal: string } | { name: string; int: boolean }

interface CompiledRoute {
  reg: RegisteredFunction
  /** The route's `/`-separated segments, each a list of literal and parameter parts. */
  segments: Part[][]
}

const compiled = new WeakMap<AnyServerRouter, CompiledRoute[]>()

function compileSegment(segment: string): Part[] {
  const parts: Part[] = []
  let at = 0
  while (at < segment.length) {
    const open = segment.indexOf('<', at)
    const close = open < 0 ? -1 : segment.indexOf('>', open)
    const spec = close < 0 ? undefined : segment.slice(open + 1, close)
    const colon = spec?.indexOf(':') ?? -1
    const converter = spec !== undefined && colon >= 0 ? spec.slice(0, colon) : undefined
    const name = spec !== undefined ? spec.slice(colon + 1) : ''
    if (open < 0 || close < 0 || !isWord(name) || (converter !== undefined && !isWord(converter))) {
      parts.push({ literal: segment.slice(at) })
      break
    }
    if (open > at) parts.push({ literal: segment.slice(at, open) })
    parts.push({ name, int: converter === 'int' })
    at = close + 1
  }
  return parts
}

const isWord = (text: string): boolean => {
  if (!text) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
    if (!word) return false
  }
  return true
}

const isDigits = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

function compile(reg: RegisteredFunction, route: string): CompiledRoute {
  const normalized = route.startsWith('/') ? route : `/${route}`
  return { reg, segments: normalized.split('/').map(compileSegment) }
}

function routesOf(router: AnyServerRouter): CompiledRoute[] {
  let routes = compiled.get(router)
  if (!routes) {
    routes = []
    for (const reg of router.functions.values()) {
      if (reg.fn.options.route) routes.push(compile(reg, reg.fn.options.route))
    }
    compiled.set(router, routes)
  }
  return routes
}

/** One path segment against one route segment; the raw (still percent-encoded) values by name, or null. */
function matchSegment(parts: Part[], text: string, into: [string, string][]): boolean {
  let at = 0
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if ('literal' in part) {
      if (!text.startsWith(part.literal, at)) return false
      at += part.literal.length
      continue
    }
    const next = parts[i + 1]
    // The parameter runs to the segment's end, or to the last place the next literal occurs
    // that still leaves room for what follows it (a parameter takes one character at least).
    const end = next && 'literal' in next ? text.lastIndexOf(next.literal, text.length - minLength(parts, i + 1)) : text.length
    if (end <= at) return false
    const value = text.slice(at, end)
    if (part.int && !isDigits(value)) return false
    into.push([part.name, value])
    at = end
  }
  return at === text.length
}

/** The fewest characters `parts[from…]` can match. */
function minLength(parts: Part[], from: number): number {
  let length = 0
  for (let i = from; i < parts.length; i++) {
    const part = parts[i]!
    length += 'literal' in part ? part.literal.length : 1
  }
  return length
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw new MizanError('BAD_REQUEST', 'Malformed percent-encoding in the path')
  }
}

/** The view route a path names, with its params decoded; null when none does. A bad percent-escape in a param is a BAD_REQUEST. */
export function matchViewRoute(router: AnyServerRouter, path: string): { reg: RegisteredFunction; params: Record<string, string> } | null {
  const segments = path.split('/')
  for (const route of routesOf(router)) {
    if (route.segments.length !== segments.length) continue
    const raw: [string, string][] = []
    let ok = true
    for (let i = 0; ok && i < segments.length; i++) ok = matchSegment(route.segments[i]!, segments[i]!, raw)
    if (!ok) continue
    const params: Record<string, string> = {}
    for (const [name, value] of raw) params[name] = decodeParam(value)
    return { reg: route.reg, params }
  }
  return null
}
