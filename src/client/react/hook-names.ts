import { toWireName } from '../../shared/naming.ts'

export type HookTarget =
  | { kind: 'MizanContext' | 'useMizan' | 'queryOptions' | 'mutationOptions' }
  | { kind: 'function'; key: string }
  | { kind: 'contextHook'; context: string }
  | { kind: 'provider'; context: string }

const RESERVED = new Set(['MizanContext', 'useMizan', 'queryOptions', 'mutationOptions'])

/**
 * Read a property of the React handle back into what it names. Context names are
 * snake_case on the wire (`UserSettings` → `user_settings`); function keys only lose their
 * capital (`useUserProfile` → `userProfile`), the inverse of the type-level `Capitalize`.
 */
export function parseHookName(property: string): HookTarget | undefined {
  if (RESERVED.has(property)) return { kind: property as 'MizanContext' }
  let match = /^use([A-Z]\w*)Context$/.exec(property)
  if (match?.[1]) return { kind: 'contextHook', context: toWireName(match[1]) }
  match = /^use([A-Z]\w*)$/.exec(property)
  if (match?.[1]) return { kind: 'function', key: match[1].charAt(0).toLowerCase() + match[1].slice(1) }
  match = /^([A-Z]\w*)Context$/.exec(property)
  if (match?.[1]) return { kind: 'provider', context: toWireName(match[1]) }
  return undefined
}
