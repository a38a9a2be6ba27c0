import type { AnyServerRouter, RegisteredFunction } from './router.ts'

interface CompiledRoute {
  reg: RegisteredFunction
  pattern: RegExp
  names: string[]
}

const compiled = new WeakMap<AnyServerRouter, CompiledRoute[]>()

/** Django-style paths: `/profile/<id>/`, `/profile/<int:id>/`. */
function compile(reg: RegisteredFunction, route: string): CompiledRoute {
  const names: string[] = []
  const normalized = route.startsWith('/') ? route : `/${route}`
  const source = normalized.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<(?:(\w+):)?(\w+)>/g, (_all, converter: string | undefined, name: string) => {
    names.push(name)
    return converter === 'int' ? '(\\d+)' : '([^/]+)'
  })
  return { reg, pattern: new RegExp(`^${source}$`), names }
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

export function matchViewRoute(router: AnyServerRouter, path: string): { reg: RegisteredFunction; params: Record<string, string> } | null {
  for (const route of routesOf(router)) {
    const match = route.pattern.exec(path)
    if (!match) continue
    const params: Record<string, string> = {}
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1] ?? '')
    })
    return { reg: route.reg, params }
  }
  return null
}
