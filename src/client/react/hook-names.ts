import { toWireName } from '../../shared/naming.ts'

export type HookTarget =
  | { kind: 'MizanContext' | 'useMizan' | 'queryOptions' | 'mutationOptions' | 'infiniteQueryOptions' }
  | { kind: 'infinite'; key: string }
  | { kind: 'function'; key: string }
  | { kind: 'contextHook'; context: string }
  | { kind: 'suspenseContextHook'; context: string }
  | { kind: 'provider'; context: string }
  | { kind: 'form'; key: string }
  | { kind: 'channel'; key: string }
  | { kind: 'useLiveInvalidation' | 'useConnectionStatus' }

const NAMED = ['MizanContext', 'useMizan', 'queryOptions', 'mutationOptions', 'infiniteQueryOptions', 'useLiveInvalidation', 'useConnectionStatus'] as const

/**
 * Read a property of the React handle back into what it names. Context names are
 * snake_case on the wire (`UserSettings` → `user_settings`); function keys only lose their
 * capital (`useUserProfile` → `userProfile`), the inverse of the type-level `Capitalize`.
 * `use<Key>Form` names the form `<key>` and `use<Key>Channel` the channel `<key>` (so a plain
 * function cannot end in `Form` or `Channel`: the types and `createRouter` agree).
 * `useSuspense<Name>Context` is the suspending hook of context `<name>` (so no context's
 * name may start with `suspense_`, which `createRouter` checks), and `use<Key>Infinite` the
 * infinite query of function `<key>` (so no function key ends in `Infinite`, checked likewise).
 */
export function parseHookName(property: string): HookTarget | undefined {
  if ((NAMED as readonly string[]).includes(property)) return { kind: property as (typeof NAMED)[number] }
  const suspense = /^useSuspense([A-Z]\w*)Context$/.exec(property)
  if (suspense) return { kind: 'suspenseContextHook', context: toWireName(suspense[1] ?? '') }
  const infinite = /^use([A-Z]\w*)Infinite$/.exec(property)?.[1]
  if (infinite) return { kind: 'infinite', key: infinite.charAt(0).toLowerCase() + infinite.slice(1) }
  const [, use, name = '', suffix] = /^(use)?([A-Z]\w*?)(Context|Form|Channel)?$/.exec(property) ?? []
  const key = name.charAt(0).toLowerCase() + name.slice(1)
  if (suffix === 'Context') return { kind: use ? 'contextHook' : 'provider', context: toWireName(name) }
  if (!use) return undefined
  return suffix ? { kind: suffix === 'Form' ? 'form' : 'channel', key } : { kind: 'function', key }
}
