/**
 * `mizan-ts/react/members`: member hooks that know they are members, as a plug-in. The router's
 * types are gone at run time, so without it `use<Key>()` outside every provider that has the key
 * cannot tell a member from a mutation, and is a mutation. Given every member of the router
 * (the type requires all of them, each with its context), a member hook outside its provider
 * throws an error naming the provider to render instead:
 *
 * ```ts
 * import { members } from 'mizan-ts/react/members'
 * const mizan = createMizanReact<AppRouter>({ use: [members<AppRouter>({ userProfile: 'user', currentUser: 'global' })] })
 * ```
 */
import type { AnyRouter } from '../../shared/types.ts'
import { toPascalCase } from '../../shared/naming.ts'
import { createNaming } from '../wire-names.ts'
import type { MizanReactPlugin } from './plugin.ts'
import { findMember, named, useRuntime } from './runtime.ts'
import type { MemberContexts } from './types.ts'

export function members<R extends AnyRouter>(contexts: MemberContexts<R>): MizanReactPlugin {
  const byKey = new Map(Object.entries(contexts as Record<string, string>))
  return {
    name: 'members',
    claim(property, options) {
      const name = /^use([A-Z]\w*)$/.exec(property)?.[1]
      const key = name && name.charAt(0).toLowerCase() + name.slice(1)
      const context = key ? byKey.get(key) : undefined
      if (!key || context === undefined) return undefined
      const wireName = createNaming((options as { wireNames?: Record<string, string> }).wireNames).wireName(key)
      return named(function useMizanMember(): unknown {
        const found = findMember(useRuntime(property).scope, wireName)
        if (!found) throw new Error(`Mizan: ${property}() reads '${key}' of context '${context}' but no <mizan.${toPascalCase(context)}Context> above it has that bundle: render it inside one`)
        return found.value
      }, property)
    },
  }
}
