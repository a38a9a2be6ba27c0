import { toWireName } from '../../shared/naming.ts'

export type HookTarget =
  | { kind: 'MizanContext' | 'useMizan' | 'queryOptions' | 'mutationOptions' }
  | { kind: 'function'; key: string }
  | { kind: 'contextHook'; context: string }
  | { kind: 'provider'; context: string }
  | { kind: 'form'; key: string }
  | { kind: 'channel'; key: string }
  | { kind: 'useLiveInvalidation' | 'useConnectionStatus' }

const NAMED = ['MizanContext', 'useMizan', 'queryOptions', 'mutationOptions', 'useLiveInvalidation', 'useConnectionStatus'] as const

/**
 * Read a property of the React handle back into what it names. Context names are
 * snake_case on the wire (`UserSettings` → `user_settings`); function keys only lose their
 * capital (`useUserProfile` → `userProfile`), the inverse of the type-level `Capitalize`.
 * `use<Key>Form` names the form `<key>` and `use<Key>Channel` the channel `<key>` (so a plain
 * function cannot end in `Form` or `Channel`: the types and `createRouter` agree).
 */
export function parseHookName(property: string): HookTarget | undefined {
  if ((NAMED as readonly string[]).includes(property)) return { kind: property as (typeof NAMED)[number] }
  const [, use, name = '', suffix] = /^(use)?([A-Z]\w*?)(Context|Form|Channel)?$/.exec(property) ?? []
  const key = name.charAt(0).toLowerCase() + name.slice(1)
  if (suffix === 'Context') return { kind: use ? 'contextHook' : 'provider', context: toWireName(name) }
  if (!use) return undefined
  return suffix ? { kind: suffix === 'Form' ? 'form' : 'channel', key } : { kind: 'function', key }
}
